//! Work on every core with results in input order: the commands load and analyse their
//! inputs on several threads and still print them in the order they were named, whatever
//! finishes first. Only a few items are in flight at once (a window past the oldest result
//! not yet used), so a folder of hundreds of large files never sits in memory whole.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, mpsc};

/// The environment variable that sets how many threads work when `-j` is not given.
pub const JOBS_VARIABLE: &str = "IAMSCOPE_JOBS";

/// How many threads to use: `requested` (`-j N`) when given, else a positive number in
/// [`JOBS_VARIABLE`], else every core.
pub fn jobs(requested: Option<NonZeroUsize>) -> usize {
    requested
        .or_else(|| {
            std::env::var(JOBS_VARIABLE)
                .ok()
                .and_then(|v| v.trim().parse().ok())
        })
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get)
}

/// How many items may be taken past the oldest result not yet handed on, per thread.
const WINDOW_PER_JOB: usize = 2;

/// Runs `work` on every item on up to `jobs` threads and hands each result to `consume`
/// in item order, on the calling thread, as soon as every earlier result has been
/// handed on. At most `2 × jobs` items are taken past the oldest result still
/// awaited, so results (and whatever `work` reads) never pile up. With one job (or one
/// item) no thread is started.
pub fn ordered<I, T>(
    items: &[I],
    jobs: usize,
    work: impl Fn(&I) -> T + Sync,
    mut consume: impl FnMut(T),
) where
    I: Sync,
    T: Send,
{
    let threads = jobs.min(items.len());
    if threads <= 1 {
        items.iter().for_each(|item| consume(work(item)));
        return;
    }
    let window = threads * WINDOW_PER_JOB;
    let gate = Gate {
        state: Mutex::new(Taken { next: 0, done: 0 }),
        moved: Condvar::new(),
    };
    let (send, receive) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let send = send.clone();
            let (gate, work) = (&gate, &work);
            scope.spawn(move || {
                while let Some(i) = gate.take(items.len(), window) {
                    if send.send((i, work(&items[i]))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        for (i, result) in receive {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&next) {
                consume(result);
                next += 1;
                gate.finished(next);
            }
        }
    });
}

/// Which items have been taken and how many results handed on.
struct Taken {
    next: usize,
    done: usize,
}

struct Gate {
    state: Mutex<Taken>,
    moved: Condvar,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, Taken> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next item to work on, once it is within the window; `None` when all are taken.
    fn take(&self, len: usize, window: usize) -> Option<usize> {
        let mut state = self.lock();
        while state.next < len && state.next >= state.done + window {
            state = self
                .moved
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        (state.next < len).then(|| {
            state.next += 1;
            state.next - 1
        })
    }

    /// `done` results have been handed on: the window moves.
    fn finished(&self, done: usize) {
        self.lock().done = done;
        self.moved.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn results_come_in_item_order_whatever_finishes_first() {
        let items: Vec<u64> = (0..64).collect();
        for jobs in [1, 2, 5] {
            let mut seen = Vec::new();
            ordered(
                &items,
                jobs,
                |&i| {
                    // Early items take longest, so later ones finish first.
                    std::thread::sleep(std::time::Duration::from_micros((64 - i) * 50));
                    i * 10
                },
                |r| seen.push(r),
            );
            assert_eq!(seen, (0..64).map(|i| i * 10).collect::<Vec<_>>(), "{jobs}");
        }
    }

    #[test]
    fn no_more_than_the_window_is_in_flight() {
        let items: Vec<usize> = (0..200).collect();
        let in_flight = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        ordered(
            &items,
            3,
            |_| {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
            },
            // A result leaves flight when it is handed on, not when it is computed.
            |()| {
                in_flight.fetch_sub(1, Ordering::SeqCst);
            },
        );
        let most = most.load(Ordering::SeqCst);
        assert!((1..=3 * WINDOW_PER_JOB).contains(&most), "{most} in flight");
    }

    #[test]
    fn jobs_come_from_the_option_first() {
        assert_eq!(jobs(NonZeroUsize::new(3)), 3);
        assert!(jobs(None) >= 1);
    }
}
