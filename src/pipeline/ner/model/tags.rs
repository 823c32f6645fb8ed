//! The model's character tags: BIOES. A name of one char is `S-X`; a longer
//! one is `B-X`, then `I-X` for its inner chars, then `E-X` on its last, so
//! the model learns how names end as well as how they begin (a BIO model
//! only learns the end from the char after it). Every other char is `O`.

/// Tags: O, then B, I, E, S for each of PER, LOC, ORG.
pub const TAGS: usize = 13;
/// Weight rows are padded to sixteen lanes (one 32-byte row of i16).
pub const LANES: usize = 16;

/// A set of tags, one bit per tag (the tags a char of partly labelled text may take).
pub type TagSet = u16;
/// Every tag.
pub const ANY: TagSet = (1 << TAGS) - 1;

pub const O: u8 = 0;

/// `B-kind` is `1 + 4·kind`, then `I`, `E`, `S`; kind 0 PER, 1 LOC, 2 ORG.
pub const fn begin(kind: u8) -> u8 {
    1 + 4 * kind
}

pub const fn inside(kind: u8) -> u8 {
    2 + 4 * kind
}

pub const fn end(kind: u8) -> u8 {
    3 + 4 * kind
}

pub const fn single(kind: u8) -> u8 {
    4 + 4 * kind
}

/// The kind of a name tag (None for O).
pub fn kind_of(tag: u8) -> Option<u8> {
    (tag != O && (tag as usize) < TAGS).then(|| (tag - 1) / 4)
}

/// `B-X` or `I-X`: the name goes on at the next char.
pub fn opens(tag: u8) -> bool {
    tag != O && (tag - 1) % 4 < 2
}

/// `I-X` or `E-X`: the char goes on with a name begun before it.
pub fn continues(tag: u8) -> bool {
    tag != O && matches!((tag - 1) % 4, 1 | 2)
}

/// May `next` follow `prev` (None: sentence start)? After `B-X` or `I-X`
/// only `I-X` or `E-X`; `I-X` and `E-X` only there.
pub fn allowed(prev: Option<u8>, next: u8) -> bool {
    match prev.filter(|&p| opens(p)) {
        Some(p) => continues(next) && kind_of(p) == kind_of(next),
        None => !continues(next),
    }
}

/// May a sentence end on `tag`? Not inside an open name.
pub fn may_end(tag: u8) -> bool {
    !opens(tag)
}

/// The tags of a name of `kind` that is `len` chars long.
pub fn name_tags(kind: u8, len: usize) -> impl Iterator<Item = u8> {
    (0..len).map(move |i| match (i, len) {
        (_, 1) => single(kind),
        (0, _) => begin(kind),
        (i, _) if i + 1 == len => end(kind),
        _ => inside(kind),
    })
}

/// Does a whole sentence's tag sequence keep the rule?
pub fn keeps_the_rule(tags: &[u8]) -> bool {
    let mut prev = None;
    for &t in tags {
        if !allowed(prev, t) {
            return false;
        }
        prev = Some(t);
    }
    prev.is_none_or(may_end)
}

/// Every tag of `kind`.
pub const fn all_of_kind(kind: u8) -> TagSet {
    0b1111 << begin(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_the_rule_and_end_where_a_sentence_may() {
        for kind in 0..3 {
            for len in 1..5 {
                let tags: Vec<u8> = name_tags(kind, len).collect();
                assert!(keeps_the_rule(&tags), "{tags:?}");
                assert!(tags.iter().all(|&t| kind_of(t) == Some(kind)));
                assert!(tags.iter().all(|&t| all_of_kind(kind) & 1 << t != 0));
            }
        }
        assert!(!allowed(Some(begin(0)), O) && !allowed(Some(inside(1)), end(0)) && !allowed(None, end(2)));
        assert!(keeps_the_rule(&[O, begin(0), end(0), single(2)]) && !keeps_the_rule(&[begin(0), inside(0)]));
        assert!(allowed(Some(end(0)), single(1)) && allowed(Some(single(2)), O) && !may_end(begin(1)));
    }
}
