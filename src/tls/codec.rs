//! A bounds-checked reader over handshake bytes (the rustls `codec::Reader` idea): every read
//! returns `None` when the input is short, so a lying length can never index out of range.

#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = self.buf.split_at_checked(n)?;
        self.buf = tail;
        Some(head)
    }
    pub fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }
    pub fn u16(&mut self) -> Option<u16> {
        let b: [u8; 2] = self.take(2)?.try_into().ok()?;
        Some(u16::from_be_bytes(b))
    }
    pub fn u24(&mut self) -> Option<usize> {
        let b = self.take(3)?;
        let v = b.iter().fold(0usize, |acc, x| (acc << 8) | usize::from(*x));
        Some(v)
    }
    /// A vector with a 1-, 2- or 3-byte length prefix, as a sub-reader.
    pub fn vec8(&mut self) -> Option<Reader<'a>> {
        let n = usize::from(self.u8()?);
        self.take(n).map(Reader::new)
    }
    pub fn vec16(&mut self) -> Option<Reader<'a>> {
        let n = usize::from(self.u16()?);
        self.take(n).map(Reader::new)
    }
    pub fn vec24(&mut self) -> Option<Reader<'a>> {
        let n = self.u24()?;
        self.take(n).map(Reader::new)
    }
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.buf)
    }
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
    pub fn len(&self) -> usize {
        self.buf.len()
    }
    /// Reads u16 values until the reader is empty (an odd trailing byte is ignored).
    pub fn u16s(mut self) -> Vec<u16> {
        let mut v = Vec::with_capacity(self.len() / 2);
        while let Some(x) = self.u16() {
            v.push(x);
        }
        v
    }
}
