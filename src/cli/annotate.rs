//! `tifa annotate`: the server's annotations for files or stdin, as JSON lines.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use serde::Serialize;

use crate::pipeline::offsets::{OffsetConverter, OffsetEncoding};
use crate::pipeline::structure::BlockKind;
use crate::pipeline::types::{Annotation, Entity, EntityKind, NumericValue, PhraseKind, Source, Span, starts_inside};
use crate::pipeline::{AnnotateOptions, Annotator};

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    offset_encoding: OffsetEncoding,
    text_length: u32,
    tokens: Vec<JsonToken<'a>>,
    entities: Vec<JsonEntity<'a>>,
    policy_phrases: Vec<JsonPhrase<'a>>,
    keywords: Vec<crate::pipeline::types::Keyword>,
    #[serde(skip_serializing_if = "Option::is_none")]
    structure: Option<JsonStructure>,
}

#[derive(Serialize)]
struct JsonBlock {
    kind: BlockKind,
    start: u32,
    end: u32,
}

#[derive(Serialize)]
struct JsonStructure {
    blocks: Vec<JsonBlock>,
    sentences: Vec<[u32; 2]>,
    main_content: Option<[u32; 2]>,
    title: Option<String>,
    published: Option<String>,
    source: Option<String>,
    authors: Vec<String>,
}

#[derive(Serialize)]
struct JsonToken<'a> {
    text: &'a str,
    pos: String,
    start: u32,
    end: u32,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    boilerplate: bool,
}

#[derive(Serialize)]
struct JsonEntity<'a> {
    text: &'a str,
    r#type: EntityKind,
    start: u32,
    end: u32,
    confidence: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalized: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    numeric: Option<NumericValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<String>,
    source: Source,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    boilerplate: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    nested: Vec<JsonEntity<'a>>,
}

#[derive(Serialize)]
struct JsonPhrase<'a> {
    text: &'a str,
    canonical: String,
    category: String,
    kind: PhraseKind,
    start: u32,
    end: u32,
    phrase_id: String,
    source: Source,
    confidence: f32,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    boilerplate: bool,
}

/// Annotates each file (or stdin when `files` is empty) and writes one JSON
/// object per document to `out`.
pub fn run(
    annotator: &Annotator,
    files: &[PathBuf],
    encoding: OffsetEncoding,
    options: &AnnotateOptions,
    out: &mut impl Write,
) -> io::Result<()> {
    if files.is_empty() {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text)?;
        return write_line(annotator, "-", &text, encoding, options, out);
    }
    for path in files {
        let text = std::fs::read_to_string(path)?;
        write_line(annotator, &path.display().to_string(), &text, encoding, options, out)?;
    }
    Ok(())
}

fn write_line(
    annotator: &Annotator,
    id: &str,
    text: &str,
    encoding: OffsetEncoding,
    options: &AnnotateOptions,
    out: &mut impl Write,
) -> io::Result<()> {
    let annotation = annotator.annotate(text, options);
    let line = to_line(id, text, encoding, annotation);
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

/// One entity and its nested names, offsets converted by `at`.
fn json_entity<'a>(
    text: &'a str,
    e: Entity,
    at: &impl Fn(usize) -> u32,
    in_junk: &impl Fn(&Span) -> bool,
) -> JsonEntity<'a> {
    JsonEntity {
        boilerplate: in_junk(&e.span),
        text: &text[e.span.clone()],
        r#type: e.kind,
        start: at(e.span.start),
        end: at(e.span.end),
        confidence: e.confidence,
        normalized: e.normalized,
        numeric: e.numeric,
        position: e.position,
        source: e.source,
        nested: e.nested.into_iter().map(|n| json_entity(text, n, at, in_junk)).collect(),
    }
}

fn to_line<'a>(id: &'a str, text: &'a str, encoding: OffsetEncoding, mut a: Annotation) -> Line<'a> {
    let offsets = OffsetConverter::new(text, encoding);
    let at = |b: usize| offsets.convert(b);
    let junk = std::mem::take(&mut a.boilerplate);
    let in_junk = |span: &Span| starts_inside(span, &junk);
    Line {
        id,
        offset_encoding: encoding,
        text_length: at(text.len()),
        tokens: a
            .tokens
            .into_iter()
            .map(|t| JsonToken {
                boilerplate: in_junk(&t.span),
                text: &text[t.span.clone()],
                pos: t.pos,
                start: at(t.span.start),
                end: at(t.span.end),
            })
            .collect(),
        entities: a.entities.into_iter().map(|e| json_entity(text, e, &at, &in_junk)).collect(),
        policy_phrases: a
            .policy_phrases
            .into_iter()
            .map(|p| JsonPhrase {
                boilerplate: in_junk(&p.span),
                text: &text[p.span.clone()],
                canonical: p.canonical,
                category: p.category,
                kind: p.kind,
                start: at(p.span.start),
                end: at(p.span.end),
                phrase_id: p.phrase_id,
                source: p.source,
                confidence: p.confidence,
            })
            .collect(),
        keywords: a.keywords,
        structure: a.structure.map(|s| JsonStructure {
            blocks: s
                .blocks
                .into_iter()
                .map(|b| JsonBlock { kind: b.kind, start: at(b.span.start), end: at(b.span.end) })
                .collect(),
            sentences: s.sentences.into_iter().map(|x| [at(x.start), at(x.end)]).collect(),
            main_content: s.main_content.map(|x| [at(x.start), at(x.end)]),
            title: s.title.map(|x| text[x].to_string()),
            published: s.published,
            source: s.source,
            authors: s.authors,
        }),
    }
}
