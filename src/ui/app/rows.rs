//! The picker's rows, fast on 100,000 connections: each connection's
//! address text is formatted once, each sort order computed once, and a
//! filter is a pass over the cached texts. Pure memo of the model: reads
//! connections, changes nothing.

use std::cell::RefCell;

use crate::conversation::Connection;

use super::SortKey;

/// Everything the picker's rows are derived from, kept between frames.
#[derive(Debug, Default)]
pub(crate) struct RowCache {
    inner: RefCell<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Lowercase `client` then `server` text of each connection, and where
    /// the server's begins.
    texts: Vec<(String, usize)>,
    /// Connections in each sort order, built on first use.
    orders: [Option<Vec<u32>>; 6],
    /// Connection count the orders were built for (a live capture grows).
    sorted_for: usize,
    /// The last answer: filter, sort, connection count, rows.
    last: Option<(String, SortKey, usize, Vec<usize>)>,
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

impl RowCache {
    /// Forgets everything (the model was replaced).
    pub fn clear(&self) {
        *self.inner.borrow_mut() = Inner::default();
    }

    /// Connections whose client or server address contains `filter`
    /// (case-insensitive), in `key`'s order, ties by index.
    pub fn rows(&self, conns: &[Connection], filter: &str, key: SortKey) -> Vec<usize> {
        let mut c = self.inner.borrow_mut();
        let n = conns.len();
        if c.texts.len() > n {
            *c = Inner::default(); // a smaller model: another tracker
        }
        if let Some((f, k, m, rows)) = &c.last
            && f == filter
            && *k == key
            && *m == n
        {
            return rows.clone();
        }
        for conn in &conns[c.texts.len()..] {
            let mut t = conn.client.to_string().to_ascii_lowercase();
            let split = t.len();
            t.push_str(&conn.server.to_string().to_ascii_lowercase());
            c.texts.push((t, split));
        }
        if c.sorted_for != n {
            c.orders = Default::default();
            c.sorted_for = n;
        }
        let s = slot(key);
        if c.orders[s].is_none() {
            let mut order: Vec<u32> = (0..n as u32).collect();
            // Stable sorts keep capture order among equals.
            match key {
                SortKey::Index => {}
                SortKey::Client => order.sort_by_key(|&i| conns[i as usize].client),
                SortKey::Server => order.sort_by_key(|&i| conns[i as usize].server),
                SortKey::Packets => {
                    order.sort_by_key(|&i| std::cmp::Reverse(conns[i as usize].packets))
                }
                SortKey::Bytes => {
                    order.sort_by_key(|&i| std::cmp::Reverse(conns[i as usize].bytes))
                }
                SortKey::Duration => {
                    order.sort_by_key(|&i| std::cmp::Reverse(conns[i as usize].duration()))
                }
            }
            c.orders[s] = Some(order);
        }
        let f = filter.to_ascii_lowercase();
        let order = c.orders[s].as_deref().unwrap_or_default();
        let rows: Vec<usize> = if f.is_empty() {
            order.iter().map(|&i| i as usize).collect()
        } else {
            let hit: Vec<bool> = c
                .texts
                .iter()
                .map(|(t, k)| t[..*k].contains(&f) || t[*k..].contains(&f))
                .collect();
            order
                .iter()
                .map(|&i| i as usize)
                .filter(|&i| hit[i])
                .collect()
        };
        c.last = Some((filter.to_string(), key, n, rows.clone()));
        rows
    }
}
