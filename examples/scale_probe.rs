use actas::io::read_csv;
use actas::synth::{SynthConfig, layout, write_csv};
use std::time::Instant;
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(1_000_000, |s| s.parse().unwrap());
    let cfg = SynthConfig {
        sheets: n,
        candidates: 10,
        ..SynthConfig::default()
    };
    let mut csv = Vec::new();
    write_csv(&cfg, &mut csv).unwrap();
    for _ in 0..5 {
        let t = Instant::now();
        let read = read_csv(&csv[..], &layout(&cfg)).unwrap();
        let dt = t.elapsed();
        println!(
            "read {:?} {:.0} MB/s {}",
            dt,
            csv.len() as f64 / 1e6 / dt.as_secs_f64(),
            read.set.len()
        );
    }
}
