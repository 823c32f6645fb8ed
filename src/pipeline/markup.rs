//! HTML markup in scraped text: tags, comments, scripts and styles, and
//! character references (&nbsp;, &amp;, &#28023;). Clients paste pages as
//! they fetched them; the cleaned view reads a block tag as a line break, an
//! inline one as a space and a reference as its char, so no name is read out
//! of a script and a sentence goes on through `<b>…</b>`. Spans still point
//! into the markup the client sent, and each tag is a token of its own.
//!
//! Only the tags of HTML count (`<p>`, `</div>`, `<br/>`): 《》 titles, `a<b`
//! and `<四个面向>` in prose are text. Every scan stops at the next `<` or
//! is remembered as failed, so a page of unclosed tags is read in linear time.

/// Tags that start a new block: read as a line break. The inline ones (b, a, span, …) as a space.
const BLOCK_TAGS: [&str; 38] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "th",
    "title",
    "tr",
    "ul",
];
const INLINE_TAGS: [&str; 32] = [
    "a", "abbr", "b", "button", "caption", "center", "cite", "code", "em", "font", "i", "iframe", "img", "input",
    "label", "link", "mark", "meta", "noscript", "option", "q", "s", "select", "small", "source", "span", "strong",
    "sub", "sup", "textarea", "u", "video",
];
/// Elements whose content is no text: skipped up to their closing tag.
const RAW_TAGS: [&str; 2] = ["script", "style"];
/// A tag longer than this (attributes and all) is no tag.
const MAX_TAG_BYTES: usize = 4096;

/// Character references read as their char.
const NAMED_REFERENCES: [(&str, char); 9] = [
    ("&nbsp;", ' '),
    ("&amp;", '&'),
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&quot;", '"'),
    ("&apos;", '\''),
    ("&#39;", '\''),
    ("&middot;", '·'),
    ("&mdash;", '—'),
];

/// Remembers the searches for a closing `</script>`, `</style>` or `-->` that
/// found none: none will be found later in the text either.
#[derive(Debug, Default)]
pub struct Scanner {
    no_close: [bool; RAW_TAGS.len() + 1],
}

impl Scanner {
    /// The markup that starts at `at` (a `<` or `&`): where it ends and the
    /// char the cleaned view reads in its place.
    pub fn at(&mut self, text: &str, at: usize) -> Option<(usize, char)> {
        match text.as_bytes().get(at)? {
            b'<' => self.tag(text, at),
            b'&' => reference(text, at),
            _ => None,
        }
    }

    fn tag(&mut self, text: &str, at: usize) -> Option<(usize, char)> {
        let rest = &text[at + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            let close = self.closing(comment, "-->", RAW_TAGS.len())?;
            return Some((at + 4 + close, '\n'));
        }
        let body_end = rest.bytes().take(MAX_TAG_BYTES).position(|b| b == b'>' || b == b'<')?;
        if rest.as_bytes()[body_end] != b'>' {
            return None;
        }
        let end = at + 1 + body_end + 1;
        let body = &rest[..body_end];
        if body.starts_with('!') || body.starts_with('?') {
            // <!DOCTYPE html>, <?xml …?>
            return body[1..].bytes().next().filter(u8::is_ascii_alphabetic).map(|_| (end, '\n'));
        }
        let closing = body.starts_with('/');
        let name: String = body
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let after_name = body.trim_start_matches('/')[name.len()..].chars().next();
        if name.is_empty() || after_name.is_some_and(|c| !(c.is_ascii_whitespace() || c == '/')) {
            return None;
        }
        if let Some(raw) = RAW_TAGS.iter().position(|t| *t == name).filter(|_| !closing) {
            let close_tag = format!("</{}", RAW_TAGS[raw]);
            // The closing tag's own `>` ends the skipped stretch.
            return match self.closing(&text[end..], &close_tag, raw) {
                Some(close) => {
                    let after = end + close;
                    let gt = text[after..].find('>').map_or(after, |g| after + g + 1);
                    Some((gt, '\n'))
                }
                None => Some((end, '\n')),
            };
        }
        if BLOCK_TAGS.contains(&name.as_str()) || RAW_TAGS.contains(&name.as_str()) {
            Some((end, '\n'))
        } else if INLINE_TAGS.contains(&name.as_str()) {
            Some((end, ' '))
        } else {
            None
        }
    }

    /// Where `needle` ends in `hay` (ASCII case ignored), unless an earlier
    /// search of this kind found none.
    fn closing(&mut self, hay: &str, needle: &str, kind: usize) -> Option<usize> {
        if self.no_close[kind] {
            return None;
        }
        let found = find_ignoring_case(hay, needle).map(|i| i + needle.len());
        self.no_close[kind] = found.is_none();
        found
    }
}

fn find_ignoring_case(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    hay.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

/// `&nbsp;`, `&#28023;`, `&#x4E0A;` at `at`.
fn reference(text: &str, at: usize) -> Option<(usize, char)> {
    let rest = &text[at..];
    if let Some(&(name, c)) = NAMED_REFERENCES.iter().find(|(n, _)| rest.starts_with(n)) {
        return Some((at + name.len(), c));
    }
    let digits = rest.strip_prefix("&#")?;
    let (hex, digits) = match digits.strip_prefix(['x', 'X']) {
        Some(h) => (true, h),
        None => (false, digits),
    };
    let len =
        digits.bytes().take(8).take_while(|b| if hex { b.is_ascii_hexdigit() } else { b.is_ascii_digit() }).count();
    if len == 0 || digits.as_bytes().get(len) != Some(&b';') {
        return None;
    }
    let code = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).ok()?;
    let c = char::from_u32(code).filter(|c| !c.is_control() || c.is_whitespace())?;
    Some((at + rest.len() - digits.len() + len + 1, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> String {
        let mut scanner = Scanner::default();
        let mut out = String::new();
        let mut i = 0;
        while i < text.len() {
            match scanner.at(text, i) {
                Some((end, c)) => {
                    out.push(c);
                    i = end;
                }
                None => {
                    let c = text[i..].chars().next().unwrap();
                    out.push(c);
                    i += c.len_utf8();
                }
            }
        }
        out
    }

    #[test]
    fn tags_become_breaks_or_spaces_and_scripts_vanish() {
        assert_eq!(read("<p class=\"lead\">市委书记<b>陈吉宁</b>指出</p>"), "\n市委书记 陈吉宁 指出\n");
        assert_eq!(read("上海<script>var s = '<p>两个大局</p>';</script>发布"), "上海\n发布");
        assert_eq!(read("<STYLE>p{color:red}</STYLE>正文"), "\n正文");
        assert_eq!(read("甲<!-- 注释：国际科技创新中心 -->乙"), "甲\n乙");
        assert_eq!(read("<!DOCTYPE html><br/>"), "\n\n");
    }

    #[test]
    fn references_become_their_chars() {
        assert_eq!(read("&nbsp;&lt;四个面向&gt;&#x4E0A;&#28023;&amp;"), " <四个面向>上海&");
        assert_eq!(read("&#0;&#xZZ;&foo;"), "&#0;&#xZZ;&foo;");
    }

    #[test]
    fn prose_with_angle_brackets_is_text() {
        for text in ["a<b且c>d", "<四个面向>", "《意见》", "x < 3 > 2", "<p", "<unknown>", "<p<b>"] {
            let read = read(text);
            assert!(read.contains(['<', '《']), "{text}: {read:?}");
        }
    }

    #[test]
    fn unclosed_scripts_and_comments_are_searched_for_once() {
        let text = "<script>".repeat(20_000) + &"<!--".repeat(20_000);
        assert_eq!(read(&text), "\n".repeat(20_000) + &"<!--".repeat(20_000));
        let mut scanner = Scanner::default();
        scanner.at(&text, 0);
        assert!(scanner.no_close[0]);
    }
}
