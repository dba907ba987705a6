//! The picker's rows, fast on 100,000 connections and usable on a million:
//! each connection's address text is formatted once into one shared
//! buffer, each sort order is computed once from packed keys, and typing a
//! filter character searches only the rows the shorter filter matched
//! (backspace goes back to them). Pure memo of the model: reads
//! connections, changes nothing.

use std::cell::RefCell;
use std::net::SocketAddr;
use std::rc::Rc;

use crate::conversation::Connection;

use super::SortKey;

/// Everything the picker's rows are derived from, kept between frames.
#[derive(Debug, Default)]
pub(crate) struct RowCache {
    inner: RefCell<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Lowercase `client\nserver\n` text of every connection, one after
    /// the other (a typed filter holds no newline, so a match never
    /// spans two texts).
    text: String,
    /// Where connection i's text starts.
    starts: Vec<u32>,
    /// Connections in each sort order, built on first use.
    orders: [Option<Rc<Vec<usize>>>; 6],
    /// Connection count the orders were built for (a loading file grows).
    sorted_for: usize,
    /// Filters typed so far, each with the connections it matches (in
    /// capture order), for the connection count they were computed for.
    matches: Vec<(String, Vec<u32>)>,
    matched_for: usize,
    /// The last answer: filter, sort, connection count, rows.
    last: Option<(String, SortKey, usize, Rc<Vec<usize>>)>,
}

fn slot(key: SortKey) -> usize {
    match key {
        SortKey::Index => 0,
        SortKey::Client => 1,
        SortKey::Server => 2,
        SortKey::Packets => 3,
        SortKey::Bytes => 4,
        SortKey::Duration => 5,
    }
}

/// An address as a key that sorts as `SocketAddr` does (IPv4 first, then
/// address, then port).
fn addr_key(a: SocketAddr) -> (u8, u128, u16) {
    match a {
        SocketAddr::V4(v) => (0, u128::from(v.ip().to_bits()), v.port()),
        SocketAddr::V6(v) => (1, v.ip().to_bits(), v.port()),
    }
}

/// Connection numbers sorted by `key` (most first for counts), ties in
/// capture order.
fn order(conns: &[Connection], key: SortKey) -> Vec<usize> {
    let n = conns.len();
    // A descending count and the index packed in one u128: one unstable
    // sort of plain integers, stable in effect.
    let most_first = |count: &dyn Fn(&Connection) -> u64| -> Vec<usize> {
        let mut v: Vec<u128> = conns
            .iter()
            .enumerate()
            .map(|(i, c)| (u128::from(u64::MAX - count(c)) << 64) | i as u128)
            .collect();
        v.sort_unstable();
        v.into_iter().map(|k| (k as u64) as usize).collect()
    };
    let by_addr = |side: &dyn Fn(&Connection) -> SocketAddr| -> Vec<usize> {
        let mut v: Vec<((u8, u128, u16), u32)> = conns
            .iter()
            .enumerate()
            .map(|(i, c)| (addr_key(side(c)), i as u32))
            .collect();
        v.sort_unstable();
        v.into_iter().map(|(_, i)| i as usize).collect()
    };
    match key {
        SortKey::Index => (0..n).collect(),
        SortKey::Client => by_addr(&|c| c.client()),
        SortKey::Server => by_addr(&|c| c.server()),
        SortKey::Packets => most_first(&|c| c.packets()),
        SortKey::Bytes => most_first(&|c| c.bytes),
        SortKey::Duration => {
            most_first(&|c| u64::try_from(c.duration().as_nanos()).unwrap_or(u64::MAX))
        }
    }
}

impl Inner {
    fn add_texts(&mut self, conns: &[Connection]) {
        use std::fmt::Write;
        for conn in &conns[self.starts.len()..] {
            let start = self.text.len();
            let _ = write!(self.text, "{}\n{}\n", conn.client(), conn.server());
            self.text[start..].make_ascii_lowercase();
            // Offsets past 4 GiB of text (50 M connections) saturate:
            // those rows then match no filter.
            self.starts.push(u32::try_from(start).unwrap_or(u32::MAX));
        }
    }

    /// Connection i's text (client, newline, server, newline).
    fn text_of(&self, i: usize) -> &[u8] {
        let start = self.starts[i] as usize;
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.text.len(), |&e| e as usize);
        self.text.as_bytes().get(start..end).unwrap_or_default()
    }

    /// Connections matching `f` (lowercase, not empty), in capture order.
    fn matching(&mut self, f: &str, n: usize) -> &[u32] {
        if self.matched_for != n {
            self.matches.clear();
            self.matched_for = n;
        }
        // Back to the longest filter typed before that `f` extends.
        while let Some((g, _)) = self.matches.last()
            && !f.starts_with(g.as_str())
        {
            self.matches.pop();
        }
        if self.matches.last().is_some_and(|(g, _)| g == f) {
            return &self.matches.last().expect("just seen").1;
        }
        let finder = memchr::memmem::Finder::new(f.as_bytes());
        let found: Vec<u32> = match self.matches.last() {
            // Few rows left: search each of them.
            Some((_, m)) if m.len() < n / 8 => m
                .iter()
                .copied()
                .filter(|&i| finder.find(self.text_of(i as usize)).is_some())
                .collect(),
            // Else one search over all the texts, each match mapped to
            // its connection, going on from the next connection's text.
            _ => {
                let bytes = self.text.as_bytes();
                let mut found = Vec::new();
                let (mut conn, mut pos) = (0usize, 0usize);
                while let Some(k) = bytes.get(pos..).and_then(|rest| finder.find(rest)) {
                    let at = pos + k;
                    while conn + 1 < self.starts.len() && self.starts[conn + 1] as usize <= at {
                        conn += 1;
                    }
                    if conn >= n {
                        break;
                    }
                    found.push(conn as u32);
                    pos = self
                        .starts
                        .get(conn + 1)
                        .map_or(bytes.len(), |&e| e as usize);
                }
                found
            }
        };
        self.matches.push((f.to_string(), found));
        &self.matches.last().expect("just pushed").1
    }
}

impl RowCache {
    /// Computes one sort order not computed yet (for idle time); false
    /// when every order is ready.
    pub fn warm(&self, conns: &[Connection]) -> bool {
        let mut c = self.inner.borrow_mut();
        let n = conns.len();
        if c.sorted_for != n || c.starts.len() > n {
            return false; // the next `rows` starts again
        }
        let keys = [
            SortKey::Client,
            SortKey::Server,
            SortKey::Packets,
            SortKey::Bytes,
            SortKey::Duration,
        ];
        let Some(key) = keys.into_iter().find(|&k| c.orders[slot(k)].is_none()) else {
            return false;
        };
        c.orders[slot(key)] = Some(Rc::new(order(conns, key)));
        true
    }

    /// Forgets everything (the model was replaced).
    pub fn clear(&self) {
        *self.inner.borrow_mut() = Inner::default();
    }

    /// Connections whose client or server address contains `filter`
    /// (case-insensitive), or whose final state, flags seen or labels
    /// name it (`conversation::select::Words`), in `key`'s order, ties by index.
    pub fn rows(&self, conns: &[Connection], filter: &str, key: SortKey) -> Rc<Vec<usize>> {
        let mut c = self.inner.borrow_mut();
        let n = conns.len();
        if c.starts.len() > n {
            *c = Inner::default(); // a smaller model: another tracker
        }
        if let Some((f, k, m, rows)) = &c.last
            && f == filter
            && *k == key
            && *m == n
        {
            return Rc::clone(rows);
        }
        c.add_texts(conns);
        if c.sorted_for != n {
            c.orders = Default::default();
            c.sorted_for = n;
        }
        let s = slot(key);
        let order = match &c.orders[s] {
            Some(o) => Rc::clone(o),
            None => {
                let o = Rc::new(order(conns, key));
                c.orders[s] = Some(Rc::clone(&o));
                o
            }
        };
        let f = filter.to_ascii_lowercase();
        let rows = if f.is_empty() {
            order
        } else {
            // Addresses, then states, flags and labels (`conversation::select`).
            let words = crate::conversation::select::Words::of(&f);
            let mut hits = std::borrow::Cow::Borrowed(c.matching(&f, n));
            if !words.is_empty() {
                let more = (0..n).filter(|&i| words.match_conn(&conns[i]));
                let v = hits.to_mut();
                v.extend(more.map(|i| i as u32));
                v.sort_unstable();
                v.dedup();
            }
            if key == SortKey::Index {
                Rc::new(hits.iter().map(|&i| i as usize).collect())
            } else {
                let mut hit = vec![false; n];
                for &i in hits.iter() {
                    hit[i as usize] = true;
                }
                Rc::new(order.iter().copied().filter(|&i| hit[i]).collect())
            }
        };
        c.last = Some((filter.to_string(), key, n, Rc::clone(&rows)));
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::testdata::many_tracker;

    /// The picker's rows computed the plain way.
    fn naive(conns: &[Connection], filter: &str, key: SortKey) -> Vec<usize> {
        let f = filter.to_ascii_lowercase();
        let mut v: Vec<usize> = (0..conns.len())
            .filter(|&i| {
                let c = &conns[i];
                c.client().to_string().to_ascii_lowercase().contains(&f)
                    || c.server().to_string().to_ascii_lowercase().contains(&f)
                    || crate::conversation::select::Words::of(&f).match_conn(c)
            })
            .collect();
        match key {
            SortKey::Index => {}
            SortKey::Client => v.sort_by_key(|&i| conns[i].client()),
            SortKey::Server => v.sort_by_key(|&i| conns[i].server()),
            SortKey::Packets => v.sort_by_key(|&i| std::cmp::Reverse(conns[i].packets())),
            SortKey::Bytes => v.sort_by_key(|&i| std::cmp::Reverse(conns[i].bytes)),
            SortKey::Duration => v.sort_by_key(|&i| std::cmp::Reverse(conns[i].duration())),
        }
        v
    }

    #[test]
    fn typing_and_erasing_a_filter_under_every_sort_gives_the_plain_answer() {
        let t = many_tracker(3000);
        let conns = t.connections();
        let cache = RowCache::default();
        let keys = [
            SortKey::Index,
            SortKey::Client,
            SortKey::Server,
            SortKey::Packets,
            SortKey::Bytes,
            SortKey::Duration,
        ];
        let typed = [
            "", "1", "10", "10.", "10.1", "10.1.", "10.1", "10", "", ":4", ":44", ":443", "DB8",
            "db8::", "]:443", "nothing", "",
        ];
        let mut hits = 0;
        for key in keys {
            for f in typed {
                let got = cache.rows(conns, f, key);
                let want = naive(conns, f, key);
                assert_eq!(*got, want, "filter {f:?}, sort {key:?}");
                hits += usize::from(!want.is_empty() && want.len() < conns.len());
            }
        }
        assert!(hits > 30, "filters that split the rows: {hits}");
    }

    #[test]
    fn idle_warming_sorts_ahead_and_changes_no_answer() {
        let t = many_tracker(800);
        let conns = t.connections();
        let cache = RowCache::default();
        assert!(!cache.warm(conns), "nothing to warm before the first rows");
        cache.rows(conns, "", SortKey::Index);
        let mut warmed = 0;
        while cache.warm(conns) {
            warmed += 1;
        }
        assert_eq!(warmed, 5);
        for key in [SortKey::Client, SortKey::Duration, SortKey::Bytes] {
            assert_eq!(*cache.rows(conns, "", key), naive(conns, "", key));
        }
    }

    #[test]
    fn rows_follow_a_growing_model() {
        let t = many_tracker(500);
        let conns = t.connections();
        let cache = RowCache::default();
        for n in [0, 10, 200, 500] {
            for key in [SortKey::Index, SortKey::Packets, SortKey::Client] {
                assert_eq!(
                    *cache.rows(&conns[..n], "10.2", key),
                    naive(&conns[..n], "10.2", key)
                );
                assert_eq!(
                    *cache.rows(&conns[..n], "", key),
                    naive(&conns[..n], "", key)
                );
            }
        }
    }
}
