//! What a person's name looks like when a rule, not the model, reads it off
//! the text around it (a list of names, a title).

use super::rules::text::is_han;

/// Shortest and longest name of Han chars: 安雷 to 欧阳中石 or 高野纪元; longer
/// runs are phrases.
const NAME_CHARS: std::ops::RangeInclusive<usize> = 2..=4;

/// Longest transliterated name (塞萨尔·桑巴约), separators included.
const MAX_TRANSLITERATION_CHARS: usize = 10;

/// Two to four Han chars, or a transliteration joined by · (迪达, 区楚良,
/// 塞萨尔·桑巴约).
pub(super) fn looks_like_a_name(word: &str) -> bool {
    let chars = word.chars().count();
    if word.contains('·') {
        return chars <= MAX_TRANSLITERATION_CHARS && !word.starts_with('·') && !word.ends_with('·');
    }
    NAME_CHARS.contains(&chars) && word.chars().all(is_han)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_runs_of_han_chars_or_transliterations() {
        for name in ["迪达", "区楚良", "高野纪元", "塞萨尔·桑巴约"] {
            assert!(looks_like_a_name(name), "{name}");
        }
        for other in ["王", "中华人民共和国", "李4", "·桑巴约", "卡洛斯·", "塞萨尔·桑巴约·德·阿尔梅达"]
        {
            assert!(!looks_like_a_name(other), "{other}");
        }
    }
}
