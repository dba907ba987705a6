//! A short, deterministic run of the fuzz harnesses (`synack::fuzzing`,
//! the same functions the cargo-fuzz targets in `fuzz/` call) on stable
//! Rust: every capture in `captures/` and `tests/data/` is mutated a fixed
//! number of times with a fixed seed, and each mutant goes through the
//! capture pipeline; frames of those captures go through the live frame
//! decoder; generated event streams drive the TUI. Bounded in count, never
//! in time. A panic anywhere fails the test and prints the input that did
//! it (as hex), to be added to the corpus.

use std::path::{Path, PathBuf};

use synack::capture::{CaptureReader, LinkType};
use synack::fuzzing;

/// Mutants per seed capture.
const PER_SEED: usize = 40;
/// Mutants of seed frames for the live decoder.
const FRAMES: usize = 3000;
/// Event streams for the TUI.
const TUI_RUNS: usize = 48;

/// xorshift64*: a fixed, dependency-free pseudo-random sequence.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One to four random edits of the kinds that find reader bugs: bit
/// flips, interesting bytes and 32-bit lengths, inserted, removed and
/// duplicated runs, truncation.
fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    const BYTES: [u8; 6] = [0, 1, 0x7f, 0x80, 0xfe, 0xff];
    const WORDS: [u32; 8] = [
        0,
        1,
        3,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        65_535,
        262_145,
    ];
    let mut d = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = d.len();
        let at = rng.below(len);
        match rng.below(7) {
            0 if len > 0 => d[at] ^= 1 << rng.below(8),
            1 if len > 0 => d[at] = BYTES[rng.below(BYTES.len())],
            2 if len >= 4 => {
                let at = rng.below(len - 3);
                let w = WORDS[rng.below(WORDS.len())];
                let bytes = if rng.below(2) == 0 {
                    w.to_le_bytes()
                } else {
                    w.to_be_bytes()
                };
                d[at..at + 4].copy_from_slice(&bytes);
            }
            3 => {
                let n = 1 + rng.below(16);
                let junk: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                d.splice(at..at, junk);
            }
            4 if len > 0 => {
                let end = (at + 1 + rng.below(64)).min(len);
                d.drain(at..end);
            }
            5 if len > 0 => {
                let end = (at + 1 + rng.below(256)).min(len);
                let run = d[at..end].to_vec();
                let to = rng.below(len);
                d.splice(to..to, run);
            }
            _ => d.truncate(at),
        }
    }
    d
}

fn seeds() -> Vec<(PathBuf, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["captures", "tests/data"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                [".pcap", ".pcapng", ".gz", ".zst"]
                    .iter()
                    .any(|ext| name.ends_with(ext))
            })
            .collect();
        paths.sort();
        for p in paths {
            let bytes = std::fs::read(&p).unwrap();
            out.push((p, bytes));
        }
    }
    out
}

/// Runs `f` on `input`; on a panic, fails naming the seed and the input.
fn run(what: &str, seed: &Path, input: &[u8], f: fn(&[u8])) {
    let r = std::panic::catch_unwind(|| f(input));
    if r.is_err() {
        let hex: String = input.iter().map(|b| format!("{b:02x}")).collect();
        panic!(
            "{what} panicked on a mutant of {}; input ({} bytes): {hex}",
            seed.display(),
            input.len()
        );
    }
}

#[test]
fn capture_pipeline_survives_mutated_captures() {
    let seeds = seeds();
    assert!(seeds.len() > 40, "seed corpus: {} files", seeds.len());
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    let mut runs = 0;
    for (path, bytes) in &seeds {
        run("capture_pipeline", path, bytes, fuzzing::capture_pipeline);
        for _ in 0..PER_SEED {
            let m = mutate(bytes, &mut rng);
            run("capture_pipeline", path, &m, fuzzing::capture_pipeline);
            runs += 1;
        }
    }
    assert!(runs >= 2000, "{runs} mutants");
}

#[test]
fn live_frame_decoder_survives_mutated_frames() {
    let mut frames = Vec::new();
    for (path, bytes) in seeds() {
        let Ok(mut r) = CaptureReader::from_bytes(path.display().to_string(), bytes) else {
            continue;
        };
        while let Ok(Some(f)) = r.next_frame() {
            if f.link == LinkType::Ethernet {
                frames.push((path.clone(), f.data.to_vec()));
            }
        }
    }
    assert!(frames.len() > 100, "{} seed frames", frames.len());
    let mut rng = Rng(0x5eed_cafe_f00d_0002);
    for _ in 0..FRAMES {
        let (path, frame) = &frames[rng.below(frames.len())];
        let m = mutate(frame, &mut rng);
        run("live_frame", path, &m, fuzzing::live_frame);
    }
}

#[test]
fn tui_survives_random_events() {
    let mut rng = Rng(0x5eed_cafe_f00d_0003);
    let here = Path::new("generated events");
    for _ in 0..TUI_RUNS {
        let n = 2 + rng.below(120);
        let input: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        run("tui", here, &input, fuzzing::tui);
    }
}
