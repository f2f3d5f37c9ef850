//! `ActaSet::heap_bytes` against a counting allocator: the bytes a set holds are the bytes the
//! allocator handed out for it and has not taken back.

use std::alloc::{GlobalAlloc, Layout as AllocLayout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use actas::io::{Layout, read_csv};
use actas::synth::{SynthConfig, layout, write_csv};

/// Counts the bytes requested and not yet freed.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: AllocLayout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: AllocLayout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: AllocLayout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: AllocLayout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The bytes a set read from `csv` holds, measured, and what `heap_bytes` says.
fn measured(csv: &[u8], layout: &Layout) -> (usize, usize) {
    let before = LIVE.load(Ordering::SeqCst);
    let set = read_csv(csv, layout).expect("read").set;
    let held = LIVE.load(Ordering::SeqCst) - before;
    let said = set.heap_bytes();
    drop(set);
    (held, said)
}

/// One test, so that no other test of this file allocates while it measures.
#[test]
fn heap_bytes_is_what_the_allocator_handed_out() {
    // The first read initialises what lives for the whole process.
    let warm = SynthConfig::default().with_sheets(100);
    let mut csv = Vec::new();
    write_csv(&warm, &mut csv).unwrap();
    let _ = measured(&csv, &layout(&warm));
    for (sheets, candidates, lines) in [
        (1, 2, 1),
        (1_000, 10, 1),
        (20_000, 10, 1),
        (5_000, 40, 1),
        (3_000, 5, 3),
    ] {
        let config = SynthConfig::default()
            .with_sheets(sheets)
            .with_candidates(candidates)
            .with_lines_per_candidate(lines);
        let mut csv = Vec::new();
        write_csv(&config, &mut csv).unwrap();
        let (held, said) = measured(&csv, &layout(&config));
        assert_eq!(
            said, held,
            "{sheets} sheets, {candidates} candidates, {lines} lines"
        );
    }
}
