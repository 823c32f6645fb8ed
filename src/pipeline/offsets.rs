//! Converts byte offsets in the original text into the unit a client asked for.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetEncoding {
    Utf8,
    Utf16,
    #[default]
    CodePoint,
}

/// Maps byte offsets of one text to offsets in an [`OffsetEncoding`].
///
/// For UTF-16 and code points it keeps one prefix count per byte, built once in
/// O(n); every lookup is then O(1) whatever order spans arrive in.
pub struct OffsetConverter {
    /// `units[b]` = units before byte `b`, valid at char boundaries. Empty for UTF-8.
    units: Vec<u32>,
}

impl OffsetConverter {
    pub fn new(text: &str, encoding: OffsetEncoding) -> Self {
        let unit_len = |c: char| match encoding {
            OffsetEncoding::Utf8 => c.len_utf8() as u32,
            OffsetEncoding::Utf16 => c.len_utf16() as u32,
            OffsetEncoding::CodePoint => 1,
        };
        if encoding == OffsetEncoding::Utf8 {
            return Self { units: Vec::new() };
        }
        let mut units = vec![0u32; text.len() + 1];
        let mut count = 0u32;
        for (byte, c) in text.char_indices() {
            units[byte] = count;
            count += unit_len(c);
        }
        units[text.len()] = count;
        Self { units }
    }

    /// Offset of `byte` (a char boundary of the text) in the target unit.
    pub fn convert(&self, byte: usize) -> u32 {
        if self.units.is_empty() { byte as u32 } else { self.units[byte] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_non_bmp_characters_per_unit() {
        let text = "a习🙂𠀀b";
        let end = text.len();
        let cp = OffsetConverter::new(text, OffsetEncoding::CodePoint);
        let u16 = OffsetConverter::new(text, OffsetEncoding::Utf16);
        let u8 = OffsetConverter::new(text, OffsetEncoding::Utf8);
        assert_eq!(cp.convert(end), 5);
        assert_eq!(u16.convert(end), 7);
        assert_eq!(u8.convert(end), end as u32);
        let b_pos = text.find('b').unwrap();
        assert_eq!(cp.convert(b_pos), 4);
        assert_eq!(u16.convert(b_pos), 6);
    }
}
