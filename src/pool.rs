//! Work on every core with results in input order: the commands load and analyse their
//! inputs on several threads and still print them in the order they were named, whatever
//! finishes first. Only a few items are in flight at once (a window past the oldest result
//! not yet used, bounded in items and, for files, in bytes), so a folder of hundreds of
//! large files never sits in memory whole, and a folder of small ones keeps every thread
//! busy past a slow file.

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

/// With sizes: how many items may be taken past the oldest result not yet handed on, per
/// thread, while they fit in [`BYTES_IN_FLIGHT`].
const SIZED_WINDOW_PER_JOB: usize = 64;

/// With sizes: how many bytes of input may be in flight, past the one item per thread
/// that may always be. A 5 MB account dump needs about 60 MB while it is worked on, so
/// this keeps a folder of dumps to a few at once; a folder of small policies fills the
/// whole window.
pub const BYTES_IN_FLIGHT: u64 = 16 << 20;

/// Runs `work` on every item on up to `jobs` threads and hands each result to `consume`
/// in item order, on the calling thread, as soon as every earlier result has been
/// handed on. At most `2 × jobs` items are taken past the oldest result still
/// awaited, so results (and whatever `work` reads) never pile up. With one job (or one
/// item) no thread is started.
pub fn ordered<I, T>(
    items: &[I],
    jobs: usize,
    work: impl Fn(&I) -> T + Sync,
    consume: impl FnMut(T),
) where
    I: Sync,
    T: Send,
{
    let threads = jobs.min(items.len());
    let window = Window {
        threads,
        items: threads * WINDOW_PER_JOB,
        ends: None,
    };
    run(items, window, work, consume);
}

/// Like [`ordered`], for items of the given sizes (a file's length): up to `64 × jobs`
/// items in flight while their sizes add up to at most [`BYTES_IN_FLIGHT`], and always one
/// per thread whatever its size, so one slow file among small ones leaves no thread idle.
pub fn ordered_by_size<I, T>(
    items: &[I],
    jobs: usize,
    size: impl Fn(&I) -> u64,
    work: impl Fn(&I) -> T + Sync,
    consume: impl FnMut(T),
) where
    I: Sync,
    T: Send,
{
    let threads = jobs.min(items.len());
    let ends = items
        .iter()
        .scan(0u128, |end, item| {
            *end += u128::from(size(item));
            Some(*end)
        })
        .collect();
    let window = Window {
        threads,
        items: threads * SIZED_WINDOW_PER_JOB,
        ends: Some(ends),
    };
    run(items, window, work, consume);
}

/// Which items may be in flight at once.
struct Window {
    threads: usize,
    /// The most items in flight.
    items: usize,
    /// For sized items: where each item ends, counting the sizes of all before it (wide
    /// enough that no sum of sizes overflows).
    ends: Option<Vec<u128>>,
}

impl Window {
    /// Whether item `next` may be taken while items `done..next` are in flight.
    fn admits(&self, next: usize, done: usize) -> bool {
        let in_flight = next - done;
        if in_flight < self.threads {
            return true;
        }
        if in_flight >= self.items {
            return false;
        }
        let Some(ends) = &self.ends else { return true };
        let start = done.checked_sub(1).map_or(0, |i| ends[i]);
        ends[next] - start <= u128::from(BYTES_IN_FLIGHT)
    }
}

fn run<I, T>(items: &[I], window: Window, work: impl Fn(&I) -> T + Sync, mut consume: impl FnMut(T))
where
    I: Sync,
    T: Send,
{
    if window.threads <= 1 {
        items.iter().for_each(|item| consume(work(item)));
        return;
    }
    let gate = Gate {
        state: Mutex::new(Taken { next: 0, done: 0 }),
        moved: Condvar::new(),
    };
    let (send, receive) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        for _ in 0..window.threads {
            let send = send.clone();
            let (gate, work, window) = (&gate, &work, &window);
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
    fn take(&self, len: usize, window: &Window) -> Option<usize> {
        let mut state = self.lock();
        while state.next < len && !window.admits(state.next, state.done) {
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

    /// The most items in flight with items of `size` bytes while item 0 is slow: it waits
    /// until `expected` items are in flight (or 10 s), then a little longer, so a window
    /// narrower or wider than expected shows.
    fn most_in_flight_past_a_slow_item(size: u64, expected: usize) -> usize {
        let items: Vec<usize> = (0..300).collect();
        let in_flight = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        ordered_by_size(
            &items,
            2,
            |_| size,
            |&i| {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                if i == 0 {
                    let start = std::time::Instant::now();
                    while most.load(Ordering::SeqCst) < expected
                        && start.elapsed() < std::time::Duration::from_secs(10)
                    {
                        std::thread::sleep(std::time::Duration::from_millis(1));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
            },
            |()| {
                in_flight.fetch_sub(1, Ordering::SeqCst);
            },
        );
        most.load(Ordering::SeqCst)
    }

    #[test]
    fn small_files_keep_the_other_threads_busy_past_a_slow_one() {
        // 64 per thread, as long as they fit in the bytes in flight.
        let window = 2 * SIZED_WINDOW_PER_JOB;
        assert_eq!(most_in_flight_past_a_slow_item(0, window), window);
        let fit = (BYTES_IN_FLIGHT / (1 << 20)) as usize;
        assert_eq!(most_in_flight_past_a_slow_item(1 << 20, fit), fit);
    }

    #[test]
    fn large_files_are_in_flight_one_per_thread() {
        assert_eq!(most_in_flight_past_a_slow_item(BYTES_IN_FLIGHT, 2), 2);
        assert_eq!(most_in_flight_past_a_slow_item(u64::MAX, 2), 2);
    }

    #[test]
    fn jobs_come_from_the_option_first() {
        assert_eq!(jobs(NonZeroUsize::new(3)), 3);
        assert!(jobs(None) >= 1);
    }
}
