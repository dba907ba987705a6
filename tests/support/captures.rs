//! The repository's captures, for the tests that run over all of them.

use std::path::PathBuf;

/// Every capture in `captures/` and `tests/data/` (pcap and pcapng, plain,
/// gzip'd or zstd'd: recognised by name here, by content in synack),
/// sorted.
pub fn all() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for dir in ["captures", "tests/data"] {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
        for e in std::fs::read_dir(&root).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if [".pcap", ".pcapng"].iter().any(|x| {
                name.ends_with(x)
                    || name.ends_with(&format!("{x}.gz"))
                    || name.ends_with(&format!("{x}.zst"))
            }) {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}
