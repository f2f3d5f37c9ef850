//! The progress bar of a long read: on standard error, when it is a terminal, once the read has
//! taken more than a moment; never with `--quiet`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use actas::Execution;
use actas::io::{Layout, ReadOutcome, ReadProgress, read_csv_path_with_progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a read goes before its bar shows: a read shorter than this draws nothing.
const MOMENT: Duration = Duration::from_millis(400);

/// A bar over the bytes of one file, hidden until a [`MOMENT`] has passed.
struct Bar {
    bar: ProgressBar,
    start: Instant,
    shown: AtomicBool,
    quiet: bool,
}

impl Bar {
    fn new(path: &Path, quiet: bool) -> Self {
        let len = std::fs::metadata(path).map_or(0, |m| m.len());
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{msg} [{wide_bar}] {bytes}/{total_bytes} ({eta} left)")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        bar.set_message(format!("reading {name}"));
        Bar {
            bar,
            start: Instant::now(),
            shown: AtomicBool::new(false),
            quiet,
        }
    }

    /// Shows the bar once the read has taken a moment. indicatif's standard-error target draws
    /// only on a terminal, so a pipe or a file gets nothing.
    fn tick(&self) {
        if !self.quiet
            && !self.shown.load(Ordering::Relaxed)
            && self.start.elapsed() >= MOMENT
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

impl ReadProgress for Bar {
    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
        self.tick();
    }

    fn restart(&self) {
        self.bar.set_position(0);
        self.bar
            .set_message("reading again on one core (quoted cells)".to_owned());
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Reads the sheets of `path` through `layout` on every core, with a progress bar.
pub(crate) fn read_sheets(
    path: &Path,
    layout: &Layout,
    quiet: bool,
) -> Result<ReadOutcome, actas::Error> {
    let bar = Bar::new(path, quiet);
    read_csv_path_with_progress(path, layout, Execution::Parallel, &bar)
}

/// Audits the sheets of `path` in one stream, with a progress bar.
pub(crate) fn stream(
    audit: &actas::audit::StreamAudit<'_>,
    path: &Path,
    quiet: bool,
) -> Result<actas::audit::StreamOutcome, actas::Error> {
    let bar = Bar::new(path, quiet);
    audit.run_path_with_progress(path, &bar)
}
