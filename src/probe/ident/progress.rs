//! Whether a plain-text answer read so far is complete, decided as bytes
//! arrive: each call looks only at what is new (and at most a marker's
//! length of what could still start one), so reading n bytes costs O(n) in
//! all however a service splits them — a service dripping its answer one
//! byte at a time costs no more than one sending it at once. Pure state
//! over the growing buffer; `examined` counts the work so tests can bound
//! it.

/// Hands a reader `data` as a service might send it: a buffer growing by
/// `step` bytes at a time. Returns the reader's answer to the whole, for
/// checks that reading piecewise agrees with reading at once.
pub fn read_in_pieces<T>(data: &[u8], step: usize, mut read: impl FnMut(&[u8]) -> T) -> T {
    let mut n = 0;
    loop {
        n = (n + step.max(1)).min(data.len());
        let answer = read(&data[..n]);
        if n == data.len() {
            return answer;
        }
    }
}

/// What ends an HTTP answer's interesting part, in its body (any case).
const BODY_MARKERS: [&[u8]; 3] = [b"</title", b"</head", b"<body"];

/// Completeness of an HTTP answer: the head (up to the first empty line,
/// `\n\n` or `\n\r\n`), then a closed title or the end of the page's
/// `<head>` in the body. Call [`complete`](Self::complete) with the same
/// buffer as it grows.
#[derive(Debug, Clone, Default)]
pub struct ResponseProgress {
    /// The next position that may start the empty line, or in the body a
    /// marker, and not yet ruled out.
    next: usize,
    /// Where the body starts, once the head's end was seen.
    body: Option<usize>,
    done: bool,
    examined: usize,
}

impl ResponseProgress {
    /// Whether `buf` (the answer so far; it only ever grows) holds the head
    /// and the end of the page's title or `<head>`.
    pub fn complete(&mut self, buf: &[u8]) -> bool {
        if self.done {
            return true;
        }
        if self.body.is_none() {
            match self.head_end(buf) {
                Some(body) => {
                    self.body = Some(body);
                    self.next = body;
                }
                None => return false,
            }
        }
        self.done = self.marker(buf);
        self.done
    }

    /// Byte positions looked at so far (each a bounded amount of work).
    pub fn examined(&self) -> usize {
        self.examined
    }

    /// Where the body of a whole answer starts: just past its first empty
    /// line, if it has one.
    pub(crate) fn body_start(buf: &[u8]) -> Option<usize> {
        ResponseProgress::default().head_end(buf)
    }

    /// Where the body starts, if the head's end has arrived.
    fn head_end(&mut self, buf: &[u8]) -> Option<usize> {
        while let Some(&b) = buf.get(self.next) {
            self.examined += 1;
            if b == b'\n' {
                match (buf.get(self.next + 1), buf.get(self.next + 2)) {
                    (Some(b'\n'), _) => return Some(self.next + 2),
                    (Some(b'\r'), Some(b'\n')) => return Some(self.next + 3),
                    // Could still become an empty line: look again later.
                    (None, _) | (Some(b'\r'), None) => return None,
                    _ => {}
                }
            }
            self.next += 1;
        }
        None
    }

    /// Whether a body marker starts at or after `next`.
    fn marker(&mut self, buf: &[u8]) -> bool {
        while let Some(rest) = buf.get(self.next..).filter(|r| !r.is_empty()) {
            self.examined += 1;
            let mut may_start = false;
            for m in BODY_MARKERS {
                let n = m.len().min(rest.len());
                if rest[..n].eq_ignore_ascii_case(&m[..n]) {
                    if n == m.len() {
                        return true;
                    }
                    may_start = true;
                }
            }
            if may_start {
                // A marker cut off at the end: look again when more came.
                return false;
            }
            self.next += 1;
        }
        false
    }
}

/// Completeness of a line banner: a newline arrived.
#[derive(Debug, Clone, Default)]
pub struct LineProgress {
    scanned: usize,
}

impl LineProgress {
    /// Whether `buf`, the bytes so far, hold a whole line; reads each byte once over the calls.
    pub fn complete(&mut self, buf: &[u8]) -> bool {
        let new = buf.get(self.scanned..).unwrap_or_default();
        match new.iter().position(|&b| b == b'\n') {
            Some(_) => true,
            None => {
                self.scanned = buf.len();
                false
            }
        }
    }

    /// Bytes looked at so far.
    pub fn examined(&self) -> usize {
        self.scanned
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A service dripping `answer` one byte at a time: the answer's
    /// completeness after each byte, and the work it took.
    fn drip(answer: &[u8]) -> (Vec<bool>, usize) {
        let mut p = ResponseProgress::default();
        let seen = (1..=answer.len())
            .map(|n| p.complete(&answer[..n]))
            .collect();
        (seen, p.examined())
    }

    #[test]
    fn head_then_marker() {
        let mut p = ResponseProgress::default();
        assert!(!p.complete(b"HTTP/1.1 200 OK\r\n"));
        assert!(!p.complete(b"HTTP/1.1 200 OK\r\n\r"));
        assert!(!p.complete(b"HTTP/1.1 200 OK\r\n\r\n<html><ti"));
        assert!(!p.complete(b"HTTP/1.1 200 OK\r\n\r\n<html><title>x</TI"));
        assert!(p.complete(b"HTTP/1.1 200 OK\r\n\r\n<html><title>x</TITLE"));
        for whole in [
            &b"HTTP/1.0 200 OK\n\n<BODY>"[..],
            b"HTTP/1.1 200 OK\r\n\r\n</head>",
            b"HTTP/1.1 200 OK\n\r\n</title",
        ] {
            assert!(ResponseProgress::default().complete(whole));
            assert_eq!(drip(whole).0.last(), Some(&true));
        }
        // A marker before the head's end does not count.
        assert!(!ResponseProgress::default().complete(b"<body>\r\nX: y\r\n"));
        // Nor one that is only a prefix (`<bod` then `y`).
        assert!(!ResponseProgress::default().complete(b"HTTP/1.1 200 OK\n\n<bo dy"));
    }

    /// `start`, then `repeated` over and over, `n` bytes in all.
    pub(in crate::probe::ident) fn endless(start: &[u8], repeated: &[u8], n: usize) -> Vec<u8> {
        let tail = repeated.iter().cycle();
        start.iter().chain(tail).take(n).copied().collect()
    }

    /// 16 KB dripped one byte at a time, the worst shapes: a head that never
    /// ends, a body that keeps almost starting a marker. Work stays linear.
    #[test]
    fn dripping_costs_linear_work() {
        const N: usize = 16 * 1024;
        let endless_head = endless(b"HTTP/1.1 200 OK\r\n", b"X: \n\r", N);
        let teasing_body = endless(b"HTTP/1.1 200 OK\r\n\r\n", b"</titl<bod</hea", N);
        for answer in [endless_head, teasing_body] {
            let (seen, examined) = drip(&answer);
            assert!(seen.iter().all(|c| !c));
            // At most one look at each position, plus one or a marker's
            // length of looking again per call.
            assert!(examined <= 8 * N, "{examined} positions for {N} bytes");
        }
        let mut line = LineProgress::default();
        let banner = vec![b'a'; N];
        assert!((1..=N).all(|n| !line.complete(&banner[..n])));
        assert_eq!(line.examined(), N);
    }

    #[test]
    fn lines() {
        let mut l = LineProgress::default();
        assert!(!l.complete(b"220 ftp"));
        assert!(l.complete(b"220 ftp\r\n"));
        assert!(LineProgress::default().complete(b"\n"));
    }
}
