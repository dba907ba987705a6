//! The 4-tuple index: which connection is the latest on each 4-tuple
//! (RFC 9293 §3.3.1: a connection is named by its pair of sockets), in
//! front of it a small cache of the 4-tuples seen last.
//!
//! A big capture has a hundred thousand connections or more, of which only
//! some hundreds are sending at any time. The table of all of them is a few
//! megabytes, so each probe is a cache miss or two; the cache is 128 KiB,
//! and holds the busy ones.

use std::net::SocketAddr;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

/// Slots of the cache of recent 4-tuples (a power of two): 128 KiB, in
/// the CPU's second-level cache, many times the connections a capture has
/// open at once (with 1,000 open, about 6% share a slot with another).
const RECENT: usize = 16384;

/// Connection numbers by 4-tuple, both ways.
#[derive(Debug, Default)]
pub(super) struct Tuples {
    /// The latest connection on each 4-tuple: its number and its 4-tuple's
    /// hash ([`Tuples::hash`]). With the hash beside the number, growing
    /// the table and probing past other 4-tuples never touch a connection
    /// record (a cache miss each in a big capture).
    table: HashTable<(u32, u32)>,
    /// Direct-mapped by the low bits of the hash: `(hash, number + 1)`, 0
    /// for an empty slot. A slot only ever holds the latest connection on
    /// its 4-tuple: [`Tuples::set_latest`] writes the slot of the hash it
    /// changes. Empty until the first lookup.
    recent: Vec<(u32, u32)>,
}

impl Tuples {
    /// Hash of a 4-tuple, the same both ways (a sum of the two ends'
    /// hashes), folded to the 32 bits the table keeps. Each end's hash is
    /// mixed before the sum: Fx hashes nearly linearly in the port, so the
    /// sum of two raw ones would collide for every pair of ports with the
    /// same sum (a scan of ports on both sides).
    pub(super) fn hash(a: SocketAddr, b: SocketAddr) -> u32 {
        let h =
            Self::mix(FxBuildHasher.hash_one(a)).wrapping_add(Self::mix(FxBuildHasher.hash_one(b)));
        (h >> 32) as u32 ^ h as u32
    }

    /// MurmurHash3's 64-bit finalizer: every input bit flips about half
    /// of the output bits.
    fn mix(mut h: u64) -> u64 {
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    /// The table's 64-bit hash of a kept 32-bit one: the bucket (low bits)
    /// and the tag (top 7 bits) both come from all 32.
    pub(super) fn table_hash(h: u32) -> u64 {
        u64::from(h).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ u64::from(h)
    }

    /// The latest connection on the 4-tuple of hash `h`, for which
    /// `is_on(number)` says whether a connection is on that 4-tuple;
    /// remembered in the cache.
    pub(super) fn latest(&mut self, h: u32, is_on: impl Fn(u32) -> bool) -> Option<u32> {
        if self.recent.is_empty() {
            self.recent = vec![(0, 0); RECENT];
        }
        let slot = h as usize & (RECENT - 1);
        let (hash, number) = self.recent[slot];
        if hash == h && number != 0 && is_on(number - 1) {
            return Some(number - 1);
        }
        let found = self.peek(h, is_on)?;
        self.recent[slot] = (h, found + 1);
        Some(found)
    }

    /// Asks the CPU to fetch the cache slot of hash `h` ahead of a lookup.
    pub(super) fn prefetch(&self, h: u32) {
        if let Some(slot) = self.recent.get(h as usize & (RECENT - 1)) {
            prefetch(slot);
        }
    }

    /// The connection the cache holds for hash `h`, unchecked (it may be on
    /// another 4-tuple of the same hash): only to fetch its record ahead.
    pub(super) fn cached(&self, h: u32) -> Option<u32> {
        match self.recent.get(h as usize & (RECENT - 1)) {
            Some(&(hash, number)) if hash == h && number != 0 => Some(number - 1),
            _ => None,
        }
    }

    /// [`Tuples::latest`] without the cache.
    pub(super) fn peek(&self, h: u32, is_on: impl Fn(u32) -> bool) -> Option<u32> {
        self.table
            .find(Self::table_hash(h), |&(i, hi)| hi == h && is_on(i))
            .map(|&(i, _)| i)
    }

    /// Makes connection `number` the latest on the 4-tuple of hash `h`,
    /// where `previous` was (`None`: the 4-tuple's first connection).
    pub(super) fn set_latest(&mut self, h: u32, number: u32, previous: Option<u32>) {
        let table_hash = Self::table_hash(h);
        match previous.and_then(|p| self.table.find_mut(table_hash, |&(i, _)| i == p)) {
            Some(slot) => slot.0 = number,
            None => {
                self.table
                    .insert_unique(table_hash, (number, h), |&(_, hj)| Self::table_hash(hj));
            }
        }
        if let Some(slot) = self.recent.get_mut(h as usize & (RECENT - 1)) {
            *slot = (h, number + 1);
        }
    }
}

/// Asks the CPU to bring the cache line at `p` into its caches: a hint,
/// which never faults and changes no result (nothing on other CPUs).
pub(super) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing the program sees and cannot fault,
    // whatever the address; SSE is part of every x86-64 CPU.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Connections keyed by a made-up 4-tuple number: `on[i]` is connection
    /// i's 4-tuple.
    fn is_on(on: &[u32], tuple: u32) -> impl Fn(u32) -> bool + '_ {
        move |i| on[i as usize] == tuple
    }

    /// Two 4-tuples whose hashes share the cache slot, and a third that
    /// shares a whole hash with the first: each lookup still finds the
    /// latest connection on its own 4-tuple, through the cache or the
    /// table, also after a new connection reuses a 4-tuple.
    #[test]
    fn the_cache_never_answers_for_another_tuple_or_an_older_connection() {
        let (h1, h2) = (7, 7 + RECENT as u32); // same slot
        let mut t = Tuples::default();
        let mut on = vec![];
        // Tuple 1 (hash h1) gets connection 0, tuple 2 (hash h2) 1, and
        // tuple 3, with tuple 1's hash, 2.
        for (tuple, h) in [(1, h1), (2, h2), (3, h1)] {
            assert_eq!(t.latest(h, is_on(&on, tuple)), None);
            t.set_latest(h, on.len() as u32, None);
            on.push(tuple);
        }
        for _ in 0..2 {
            assert_eq!(t.latest(h1, is_on(&on, 1)), Some(0));
            assert_eq!(t.latest(h2, is_on(&on, 2)), Some(1));
            assert_eq!(t.latest(h1, is_on(&on, 3)), Some(2));
        }
        // Tuple 1 reused: connection 3 replaces 0, in the table and cache.
        assert_eq!(t.latest(h1, is_on(&on, 1)), Some(0));
        t.set_latest(h1, 3, Some(0));
        on.push(1);
        assert_eq!(t.latest(h1, is_on(&on, 1)), Some(3));
        assert_eq!(t.peek(h1, is_on(&on, 1)), Some(3));
        assert_eq!(t.latest(h1, is_on(&on, 3)), Some(2));
        assert_eq!(t.latest(h1, is_on(&on, 1)), Some(3));
        assert_eq!(t.latest(h2, is_on(&on, 9)), None);
    }
}
