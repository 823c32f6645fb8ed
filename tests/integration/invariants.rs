//! Span invariants every annotation must hold, whatever the input.
//!
//! Plain functions over the library's types returning `Err(description)`, so
//! the property tests (`properties.rs`) and the fuzz targets
//! (`fuzz/fuzz_targets/*.rs`, which include this file by path) check exactly
//! the same things.

#![allow(dead_code)]

use tifa::pipeline::clean::CleanText;
use tifa::pipeline::offsets::{OffsetConverter, OffsetEncoding};
use tifa::pipeline::types::{Annotation, EntityKind, Span};

pub type Checked = Result<(), String>;

/// What the options of the run promise beyond bounds and sorting.
#[derive(Debug, Clone, Copy)]
pub struct Expect {
    /// Precise segmentation: tokens are sorted, disjoint and cover every
    /// non-whitespace char of the text.
    pub precise_tokens: bool,
    /// Tokens, entities and policy phrases all produced, in precise mode: no
    /// token crosses the edge of an entity that can be merged (not a 《title》,
    /// not cutting a policy phrase; the phrases must be in the annotation to
    /// tell).
    pub entities_whole: bool,
    /// Boilerplate is skipped: the tokens only cover text outside it.
    pub boilerplate_skipped: bool,
}

/// Everything about `annotation` that must hold for any `text`.
pub fn check_annotation(text: &str, annotation: &Annotation, expect: Expect) -> Checked {
    let tokens: Vec<Span> = annotation.tokens.iter().map(|t| t.span.clone()).collect();
    let entities: Vec<Span> = annotation.entities.iter().map(|e| e.span.clone()).collect();
    let phrases: Vec<Span> = annotation.policy_phrases.iter().map(|p| p.span.clone()).collect();
    for (what, spans) in [("token", &tokens), ("entity", &entities), ("policy phrase", &phrases)] {
        for span in spans {
            check_span(text, span).map_err(|e| format!("{what} {span:?}: {e}"))?;
        }
        check_offsets(text, spans).map_err(|e| format!("{what}: {e}"))?;
    }
    sorted_disjoint(text, &entities).map_err(|e| format!("entities: {e}"))?;
    check_nested(text, annotation)?;
    sorted_disjoint(text, &phrases).map_err(|e| format!("policy phrases: {e}"))?;
    check_structure(text, annotation)?;
    if expect.precise_tokens {
        sorted_disjoint(text, &tokens).map_err(|e| format!("tokens: {e}"))?;
        let skipped: &[Span] = if expect.boilerplate_skipped { &annotation.boilerplate } else { &[] };
        covers_non_whitespace(text, &tokens, skipped)?;
    }
    // Phrases are kept whole in every segmentation mode.
    let mut phrase_edges: Vec<usize> = phrases.iter().flat_map(|p| [p.start, p.end]).collect();
    phrase_edges.sort_unstable();
    no_span_crosses(text, &tokens, &phrase_edges).map_err(|e| format!("policy phrase cut by a {e}"))?;
    if expect.entities_whole && !annotation.tokens.is_empty() {
        // A title's nested names are whole tokens; the title is not.
        let nested_in_titles =
            annotation.entities.iter().filter(|e| e.kind == EntityKind::Document).flat_map(|e| &e.nested);
        let mut entity_edges: Vec<usize> = annotation
            .entities
            .iter()
            .filter(|e| e.kind != EntityKind::Document)
            .chain(nested_in_titles)
            .filter(|e| !phrases.iter().any(|p| p.start < e.span.end && e.span.start < p.end))
            .flat_map(|e| [e.span.start, e.span.end])
            .collect();
        entity_edges.sort_unstable();
        no_span_crosses(text, &tokens, &entity_edges).map_err(|e| format!("entity cut by a {e}"))?;
    }
    Ok(())
}

/// Names nested in titles, meetings and positions: persons, places and
/// organizations strictly inside their entity, sorted and disjoint, with no
/// nesting of their own.
fn check_nested(text: &str, annotation: &Annotation) -> Checked {
    for e in annotation.entities.iter().filter(|e| !e.nested.is_empty()) {
        let holder = format!("{:?} {:?}", e.kind, &text[e.span.clone()]);
        if !matches!(e.kind, EntityKind::Document | EntityKind::Event | EntityKind::Position) {
            return Err(format!("{holder} holds names"));
        }
        let spans: Vec<Span> = e.nested.iter().map(|n| n.span.clone()).collect();
        sorted_disjoint(text, &spans).map_err(|err| format!("names nested in {holder}: {err}"))?;
        for n in &e.nested {
            check_span(text, &n.span).map_err(|err| format!("name nested in {holder}: {err}"))?;
            let inside = e.span.start <= n.span.start && n.span.end <= e.span.end && n.span != e.span;
            let name = matches!(n.kind, EntityKind::Person | EntityKind::Location | EntityKind::Organization);
            if !inside || !name || !n.nested.is_empty() {
                return Err(format!("{:?} {:?} nested in {holder}", n.kind, &text[n.span.clone()]));
            }
        }
    }
    Ok(())
}

/// Boilerplate and document structure: every span inside the text and
/// slicing back; blocks, sentences and boilerplate sorted and disjoint; the
/// title one of the blocks.
fn check_structure(text: &str, annotation: &Annotation) -> Checked {
    let boilerplate = &annotation.boilerplate;
    for span in boilerplate {
        check_span(text, span).map_err(|e| format!("boilerplate {span:?}: {e}"))?;
    }
    sorted_disjoint(text, boilerplate).map_err(|e| format!("boilerplate: {e}"))?;
    check_offsets(text, boilerplate).map_err(|e| format!("boilerplate: {e}"))?;
    let Some(structure) = &annotation.structure else { return Ok(()) };
    let blocks: Vec<Span> = structure.blocks.iter().map(|b| b.span.clone()).collect();
    let optional: Vec<Span> = structure.title.iter().chain(&structure.main_content).cloned().collect();
    for (what, spans) in [("block", &blocks), ("sentence", &structure.sentences), ("title/main content", &optional)] {
        for span in spans {
            check_span(text, span).map_err(|e| format!("{what} {span:?}: {e}"))?;
        }
        check_offsets(text, spans).map_err(|e| format!("{what}: {e}"))?;
    }
    sorted_disjoint(text, &blocks).map_err(|e| format!("blocks: {e}"))?;
    sorted_disjoint(text, &structure.sentences).map_err(|e| format!("sentences: {e}"))?;
    if let Some(title) = &structure.title
        && !blocks.contains(title)
    {
        return Err(format!("title {title:?} is not a block"));
    }
    Ok(())
}

/// Non-empty, within the text, on char boundaries.
pub fn check_span(text: &str, span: &Span) -> Checked {
    if span.start >= span.end {
        return Err("empty or reversed".into());
    }
    if span.end > text.len() {
        return Err(format!("ends past the text ({} bytes)", text.len()));
    }
    if !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
        return Err("not on char boundaries".into());
    }
    Ok(())
}

fn sorted_disjoint(text: &str, spans: &[Span]) -> Checked {
    for pair in spans.windows(2) {
        if pair[0].end > pair[1].start {
            return Err(format!(
                "{:?} {:?} and {:?} {:?} overlap or are out of order",
                pair[0],
                &text[pair[0].clone()],
                pair[1],
                &text[pair[1].clone()]
            ));
        }
    }
    Ok(())
}

/// Between sorted disjoint tokens there is only whitespace or `skipped`
/// (sorted, disjoint) text: nothing is lost.
fn covers_non_whitespace(text: &str, tokens: &[Span], skipped: &[Span]) -> Checked {
    let mut cursor = 0;
    for span in tokens.iter().chain(std::iter::once(&(text.len()..text.len()))) {
        for (i, c) in text[cursor..span.start].char_indices() {
            let at = cursor + i;
            let inside = skipped.get(skipped.partition_point(|s| s.end <= at)).is_some_and(|s| s.start <= at);
            if !c.is_whitespace() && !inside {
                return Err(format!("{c:?} at {at} (gap {cursor}..{}) is in no token", span.start));
            }
        }
        cursor = span.end;
    }
    Ok(())
}

/// No span has one of `edges` (sorted) strictly inside it.
fn no_span_crosses(text: &str, spans: &[Span], edges: &[usize]) -> Checked {
    for span in spans {
        let next = edges.partition_point(|&e| e <= span.start);
        if let Some(&edge) = edges.get(next)
            && edge < span.end
        {
            return Err(format!("token {span:?} {:?} (edge at {edge})", &text[span.clone()]));
        }
    }
    Ok(())
}

/// The text in each client unit, sliced independently of the library.
pub struct Units {
    chars: Vec<char>,
    utf16: Vec<u16>,
}

impl Units {
    pub fn new(text: &str) -> Self {
        Self { chars: text.chars().collect(), utf16: text.encode_utf16().collect() }
    }

    /// `text[start..end]` with offsets counted in `encoding`, or why not.
    pub fn slice(&self, text: &str, encoding: OffsetEncoding, start: u32, end: u32) -> Result<String, String> {
        let (start, end) = (start as usize, end as usize);
        let out_of_range = || format!("{start}..{end} out of range for {encoding:?}");
        match encoding {
            OffsetEncoding::Utf8 => {
                let bytes = text.as_bytes().get(start..end).ok_or_else(out_of_range)?;
                String::from_utf8(bytes.to_vec()).map_err(|e| e.to_string())
            }
            OffsetEncoding::Utf16 => {
                String::from_utf16(self.utf16.get(start..end).ok_or_else(out_of_range)?).map_err(|e| e.to_string())
            }
            OffsetEncoding::CodePoint => Ok(self.chars.get(start..end).ok_or_else(out_of_range)?.iter().collect()),
        }
    }
}

pub const ENCODINGS: [OffsetEncoding; 3] = [OffsetEncoding::Utf8, OffsetEncoding::Utf16, OffsetEncoding::CodePoint];

/// Converted to each unit and sliced there, every span gives back its text.
pub fn check_offsets(text: &str, spans: &[Span]) -> Checked {
    if spans.is_empty() {
        return Ok(());
    }
    let units = Units::new(text);
    for encoding in ENCODINGS {
        let converter = OffsetConverter::new(text, encoding);
        let total = converter.convert(text.len());
        let expected_total = match encoding {
            OffsetEncoding::Utf8 => text.len(),
            OffsetEncoding::Utf16 => units.utf16.len(),
            OffsetEncoding::CodePoint => units.chars.len(),
        };
        if total as usize != expected_total {
            return Err(format!("text length {total} in {encoding:?}, expected {expected_total}"));
        }
        for span in spans {
            let (start, end) = (converter.convert(span.start), converter.convert(span.end));
            let sliced = units.slice(text, encoding, start, end)?;
            if sliced != text[span.clone()] {
                return Err(format!(
                    "{span:?} → {start}..{end} in {encoding:?} slices {sliced:?}, not {:?}",
                    &text[span.clone()]
                ));
            }
        }
    }
    Ok(())
}

/// The whitespace [`CleanText`] may drop between two ideographs.
fn droppable(c: char) -> bool {
    matches!(c, '\n' | '\r' | ' ' | '\u{3000}' | '\t')
}

/// The chars of `original` the cleaned view keeps, whitespace aside: HTML
/// markup counts as what it reads as (a tag as a space or a line break,
/// `&lt;` as one char).
fn kept_chars(original: &str) -> usize {
    let mut markup = tifa::pipeline::markup::Scanner::default();
    let (mut count, mut i) = (0, 0);
    while let Some(c) = original[i..].chars().next() {
        if let Some((end, read_as)) = markup.at(original, i) {
            count += usize::from(!droppable(read_as));
            i = end;
        } else {
            count += usize::from(!droppable(c));
            i += c.len_utf8();
        }
    }
    count
}

/// `clean_spans` (char-aligned spans of `clean.as_str()`, any order) map to
/// the same original spans one by one and all at once; each lands inside the
/// original on char boundaries and holds the same non-whitespace chars
/// (cleaning only drops whitespace, folds one char into one char and reads
/// HTML markup as one char).
pub fn check_clean(original: &str, clean: &CleanText, clean_spans: &[Span]) -> Checked {
    let cleaned = clean.as_str();
    let batch = clean.to_original_sorted(clean_spans.iter().cloned());
    if batch.len() != clean_spans.len() {
        return Err(format!("to_original_sorted gave {} spans for {}", batch.len(), clean_spans.len()));
    }
    for (span, mapped) in clean_spans.iter().zip(&batch) {
        let one = clean.to_original(span);
        if &one != mapped {
            return Err(format!("{span:?}: to_original {one:?} ≠ to_original_sorted {mapped:?}"));
        }
        if mapped.start > mapped.end || mapped.end > original.len() {
            return Err(format!("{span:?} maps to {mapped:?}, outside 0..{}", original.len()));
        }
        if !original.is_char_boundary(mapped.start) || !original.is_char_boundary(mapped.end) {
            return Err(format!("{span:?} maps to {mapped:?}, not on char boundaries"));
        }
        let (from, to) = (&cleaned[span.clone()], &original[mapped.clone()]);
        if from.chars().filter(|&c| !droppable(c)).count() != kept_chars(to) {
            return Err(format!("{span:?} {from:?} maps to {mapped:?} {to:?}: different content"));
        }
    }
    if !cleaned.is_empty() {
        let whole = clean.to_original(&(0..cleaned.len()));
        if whole != (0..original.len()) {
            return Err(format!("the whole cleaned text maps to {whole:?}, not 0..{}", original.len()));
        }
    }
    Ok(())
}

/// Spans of single chars of the cleaned text plus its prefixes and suffixes at
/// every `step`-th char: a cheap, dense set of spans for [`check_clean`].
pub fn probe_spans(cleaned: &str, step: usize) -> Vec<Span> {
    let bounds: Vec<usize> = cleaned.char_indices().map(|(b, _)| b).chain([cleaned.len()]).collect();
    let mut spans: Vec<Span> = bounds.windows(2).map(|w| w[0]..w[1]).collect();
    for &b in bounds.iter().step_by(step.max(1)) {
        spans.push(0..b);
        spans.push(b..cleaned.len());
    }
    spans
}
