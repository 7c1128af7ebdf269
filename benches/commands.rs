//! Whole commands as users run them, on inputs generated here (never committed): the
//! 1,594 AWS managed policies as 1,594 files, 200 account dumps of 5 MB in one folder, and
//! one 100 MB dump of 64,000 roles attaching AWS managed policies. Each bench runs the
//! release binary with output to /dev/null and prints its peak memory (VmHWM, sampled
//! every 5 ms) once.
//!
//! Run with `cargo bench --bench commands`; `IAMSCOPE_JOBS` sets the threads as for the
//! binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::LazyLock;
use std::time::Duration;

use divan::Bencher;

#[allow(dead_code, reason = "each bench uses some of the generators")]
mod synthetic;

fn main() {
    divan::main();
}

/// A scratch directory for this run's generated inputs.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamscope-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

static MANAGED: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = scratch("managed");
    for p in iamscope::catalog::managed::all() {
        std::fs::write(dir.join(format!("{}.json", p.name)), p.json).expect("write");
    }
    dir
});

static DUMPS: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = scratch("dumps");
    let dump = synthetic::roles_dump(5 << 20);
    for i in 0..200 {
        std::fs::write(dir.join(format!("account-{i:03}.json")), &dump).expect("write");
    }
    dir
});

static DUMP_100MB: LazyLock<PathBuf> = LazyLock::new(|| {
    let file = scratch("dump100").join("dump.json");
    std::fs::write(&file, synthetic::roles_dump(100 << 20)).expect("write");
    file
});

/// Runs iamscope with `args` and `input`, output discarded; returns its peak resident
/// memory in MB as sampled.
fn run(args: &[&str], input: &Path) -> u64 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .arg(input)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run iamscope");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    while child.try_wait().ok().flatten().is_none() {
        let hwm = std::fs::read_to_string(&status).unwrap_or_default();
        let kb = hwm
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
        peak = peak.max(kb.unwrap_or(0));
        std::thread::sleep(Duration::from_millis(5));
    }
    peak / 1024
}

fn bench_command(bencher: Bencher, args: &[&str], input: &Path) {
    let label = format!("{} {}", args.join(" "), input.display());
    eprintln!("{label}: peak {} MB", run(args, input));
    bencher.bench(|| run(args, input));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn check_1594_managed_policy_files(bencher: Bencher) {
    bench_command(bencher, &["check", "--format", "json"], &MANAGED);
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn tree_1594_managed_policy_files(bencher: Bencher) {
    bench_command(bencher, &["tree", "--format", "json"], &MANAGED);
}

#[divan::bench(sample_count = 2, sample_size = 1)]
fn check_200_dumps_of_5mb(bencher: Bencher) {
    bench_command(bencher, &["check", "--format", "json"], &DUMPS);
}

#[divan::bench(args = [&["tree", "--format", "json"][..], &["tree"], &["check", "--format", "json"], &["matrix"]], sample_count = 2, sample_size = 1)]
fn dump_100mb(bencher: Bencher, args: &[&str]) {
    bench_command(bencher, args, &DUMP_100MB);
}
