//! The progress line shown while a capture (or one connection of it) is
//! read, in every language. Text only.

use super::Lang;
use crate::replay::Progress;

/// What is being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading<'a> {
    /// The capture file, by name.
    File(&'a str),
    /// One connection's frames, by number.
    Connection(usize),
    /// A pipe, by name, copied to a temporary file to be read twice
    /// (only the bytes count).
    Copy(&'a str),
}

/// `reading F: 45.1 / 179.7 MB, 300000 frames, 27000 connections`, in
/// `lang`. The total is left out when unknown (a pipe), the connections
/// when reading one connection, all but the bytes when copying a pipe.
pub fn progress_line(lang: Lang, what: Reading<'_>, p: &Progress) -> String {
    let mb = |b: u64| b as f64 / 1e6;
    let total = if p.total > 0 {
        format!(" / {:.1}", mb(p.total))
    } else {
        String::new()
    };
    let read = mb(p.bytes);
    match (lang, what) {
        (Lang::En, Reading::File(name)) => format!(
            "reading {name}: {read:.1}{total} MB, {} frames, {} connections",
            p.frames, p.connections
        ),
        (Lang::En, Reading::Connection(c)) => {
            format!(
                "reading connection {c}: {read:.1}{total} MB, {} frames",
                p.frames
            )
        }
        (Lang::Zh, Reading::File(name)) => format!(
            "正在读取 {name}：{read:.1}{total} MB，{} 帧，{} 个连接",
            p.frames, p.connections
        ),
        (Lang::Zh, Reading::Connection(c)) => {
            format!("正在读取连接 {c}：{read:.1}{total} MB，{} 帧", p.frames)
        }
        (Lang::En, Reading::Copy(name)) => {
            format!("copying {name} to a temporary file (to read it twice): {read:.1} MB")
        }
        (Lang::Zh, Reading::Copy(name)) => {
            format!("正在把 {name} 复制到临时文件（以便读两遍）：{read:.1} MB")
        }
    }
}

/// The walked connection kept only its first `kept` of `total` steps.
pub fn steps_capped(lang: Lang, kept: usize, total: u64) -> String {
    match lang {
        Lang::En => format!(
            "first {kept} of {total} steps kept; later segments change only the states and counts"
        ),
        Lang::Zh => format!("只保留了前 {kept} 步（共 {total} 步）；之后的报文段只更新状态和计数"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_say_bytes_frames_and_connections() {
        let p = Progress {
            bytes: 45_100_000,
            total: 179_700_000,
            frames: 300_000,
            connections: 27_000,
        };
        assert_eq!(
            progress_line(Lang::En, Reading::File("rand.pcap"), &p),
            "reading rand.pcap: 45.1 / 179.7 MB, 300000 frames, 27000 connections"
        );
        assert_eq!(
            progress_line(Lang::Zh, Reading::File("rand.pcap"), &p),
            "正在读取 rand.pcap：45.1 / 179.7 MB，300000 帧，27000 个连接"
        );
        let pipe = Progress { total: 0, ..p };
        assert_eq!(
            progress_line(Lang::En, Reading::Connection(7), &pipe),
            "reading connection 7: 45.1 MB, 300000 frames"
        );
        assert_eq!(
            progress_line(Lang::Zh, Reading::Connection(7), &pipe),
            "正在读取连接 7：45.1 MB，300000 帧"
        );
        assert_eq!(
            progress_line(Lang::En, Reading::Copy("/dev/stdin"), &pipe),
            "copying /dev/stdin to a temporary file (to read it twice): 45.1 MB"
        );
        assert_eq!(
            progress_line(Lang::Zh, Reading::Copy("/dev/stdin"), &pipe),
            "正在把 /dev/stdin 复制到临时文件（以便读两遍）：45.1 MB"
        );
    }
}
