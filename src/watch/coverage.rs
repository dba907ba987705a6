//! Which bytes of each side's stream were seen: the union of the
//! sequence ranges of its segments (relative to the ISN), so a load test
//! can tell "every payload byte captured" from "bytes on the wire"
//! (retransmissions count twice there). Memory grows with the gaps, not
//! the segments: adjacent and overlapping ranges merge.

use std::collections::BTreeMap;

/// The union of the ranges seen of one byte stream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// start → end (exclusive), disjoint and not adjacent.
    ranges: BTreeMap<u64, u64>,
    /// Highest end seen, for unwrapping 32-bit sequence numbers.
    high: u64,
}

impl Coverage {
    /// Adds `len` bytes at relative sequence number `rel` (32-bit, wraps
    /// every 4 GiB: the range nearest to the highest end seen is taken).
    pub fn add(&mut self, rel: u32, len: u32) {
        if len == 0 {
            return;
        }
        let epoch = self.high & !0xffff_ffff;
        let candidates = [epoch.wrapping_sub(1 << 32), epoch, epoch + (1 << 32)];
        let start = candidates
            .iter()
            .map(|e| e.wrapping_add(u64::from(rel)))
            .min_by_key(|s| s.abs_diff(self.high))
            .unwrap_or(u64::from(rel));
        let mut start = start;
        let mut end = start + u64::from(len);
        self.high = self.high.max(end);
        // Merge with every range that overlaps or touches [start, end).
        let touching: Vec<(u64, u64)> = self
            .ranges
            .range(..=end)
            .rev()
            .take_while(|&(_, &e)| e >= start)
            .map(|(&s, &e)| (s, e))
            .collect();
        for (s, e) in touching {
            self.ranges.remove(&s);
            start = start.min(s);
            end = end.max(e);
        }
        self.ranges.insert(start, end);
    }

    /// Bytes seen at least once.
    pub fn bytes(&self) -> u64 {
        self.ranges.iter().map(|(s, e)| e - s).sum()
    }

    /// Gaps between the first and the last byte seen.
    pub fn holes(&self) -> usize {
        self.ranges.len().saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retransmissions_count_once_and_gaps_are_holes() {
        let mut c = Coverage::default();
        c.add(1, 100);
        c.add(1, 100); // retransmitted
        c.add(201, 50); // a gap of 100
        assert_eq!((c.bytes(), c.holes()), (150, 1));
        c.add(101, 100); // fills it
        assert_eq!((c.bytes(), c.holes()), (250, 0));
        c.add(150, 200); // overlaps the end
        assert_eq!((c.bytes(), c.holes()), (349, 0));
        c.add(7, 0);
        assert_eq!(c.bytes(), 349);
    }

    #[test]
    fn sequence_numbers_wrap_after_4_gib() {
        let mut c = Coverage::default();
        let mut rel = 1u32;
        let chunk = 1u32 << 30;
        for _ in 0..5 {
            c.add(rel, chunk);
            rel = rel.wrapping_add(chunk);
        }
        assert_eq!((c.bytes(), c.holes()), (5 << 30, 0));
    }
}
