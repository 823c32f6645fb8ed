//! Pipeline results → proto messages, with offsets in the requested unit.

use super::pb;
use crate::pipeline::offsets::{OffsetConverter, OffsetEncoding};
use crate::pipeline::structure::BlockKind;
use crate::pipeline::types::{Annotation, Entity, EntityKind, PhraseKind, Source, Span, starts_inside};

pub fn annotate_response(
    text: &str,
    id: String,
    encoding: OffsetEncoding,
    mut annotation: Annotation,
    lexicon_version: &str,
) -> pb::AnnotateResponse {
    let offsets = OffsetConverter::new(text, encoding);
    let at = |byte: usize| offsets.convert(byte);
    let span = |s: Span| pb::TextSpan { start: at(s.start), end: at(s.end) };
    let junk = std::mem::take(&mut annotation.boilerplate);
    let in_junk = |s: &Span| starts_inside(s, &junk);
    pb::AnnotateResponse {
        id,
        offset_encoding: offset_encoding(encoding) as i32,
        text_length: at(text.len()),
        lexicon_version: lexicon_version.to_string(),
        tokens: annotation
            .tokens
            .into_iter()
            .map(|t| pb::Token {
                boilerplate: in_junk(&t.span),
                text: text[t.span.clone()].to_string(),
                pos: t.pos,
                start: at(t.span.start),
                end: at(t.span.end),
            })
            .collect(),
        entities: annotation.entities.into_iter().map(|e| entity(text, e, &at, &in_junk)).collect(),
        policy_phrases: annotation
            .policy_phrases
            .into_iter()
            .map(|p| pb::PolicyPhrase {
                boilerplate: in_junk(&p.span),
                text: text[p.span.clone()].to_string(),
                canonical: p.canonical,
                category: p.category,
                kind: phrase_kind(p.kind) as i32,
                start: at(p.span.start),
                end: at(p.span.end),
                phrase_id: p.phrase_id,
                source: source(p.source) as i32,
                confidence: p.confidence,
            })
            .collect(),
        keywords: annotation
            .keywords
            .into_iter()
            .map(|k| pb::Keyword { text: k.text, weight: k.weight, pos: k.pos })
            .collect(),
        structure: annotation.structure.map(|s| pb::DocumentStructure {
            blocks: s
                .blocks
                .into_iter()
                .map(|b| pb::Block { kind: block_kind(b.kind) as i32, start: at(b.span.start), end: at(b.span.end) })
                .collect(),
            sentences: s.sentences.into_iter().map(span).collect(),
            main_content: s.main_content.map(span),
            title: s.title.clone().map(|t| text[t].to_string()).unwrap_or_default(),
            title_span: s.title.map(span),
            published: s.published.unwrap_or_default(),
            source: s.source.unwrap_or_default(),
            authors: s.authors,
        }),
    }
}

fn block_kind(kind: BlockKind) -> pb::BlockKind {
    match kind {
        BlockKind::Content => pb::BlockKind::Content,
        BlockKind::Heading => pb::BlockKind::Heading,
        BlockKind::Title => pb::BlockKind::Title,
        BlockKind::Metadata => pb::BlockKind::Metadata,
        BlockKind::Boilerplate => pb::BlockKind::Boilerplate,
    }
}

pub fn offset_encoding(encoding: OffsetEncoding) -> pb::OffsetEncoding {
    match encoding {
        OffsetEncoding::Utf8 => pb::OffsetEncoding::Utf8,
        OffsetEncoding::Utf16 => pb::OffsetEncoding::Utf16,
        OffsetEncoding::CodePoint => pb::OffsetEncoding::CodePoint,
    }
}

/// One entity and its nested names, offsets converted by `at`.
fn entity(text: &str, e: Entity, at: &impl Fn(usize) -> u32, in_junk: &impl Fn(&Span) -> bool) -> pb::Entity {
    pb::Entity {
        boilerplate: in_junk(&e.span),
        text: text[e.span.clone()].to_string(),
        r#type: entity_type(e.kind) as i32,
        start: at(e.span.start),
        end: at(e.span.end),
        confidence: e.confidence,
        normalized: e.normalized.unwrap_or_default(),
        numeric: e.numeric.map(|n| pb::NumericValue { value: n.value, unit: n.unit }),
        position: e.position.unwrap_or_default(),
        source: source(e.source) as i32,
        nested: e.nested.into_iter().map(|n| entity(text, n, at, in_junk)).collect(),
    }
}

pub fn entity_type(kind: EntityKind) -> pb::EntityType {
    match kind {
        EntityKind::Person => pb::EntityType::Person,
        EntityKind::Location => pb::EntityType::Location,
        EntityKind::Organization => pb::EntityType::Organization,
        EntityKind::Date => pb::EntityType::Date,
        EntityKind::Time => pb::EntityType::Time,
        EntityKind::Number => pb::EntityType::Number,
        EntityKind::Money => pb::EntityType::Money,
        EntityKind::Percent => pb::EntityType::Percent,
        EntityKind::Document => pb::EntityType::Document,
        EntityKind::Event => pb::EntityType::Event,
        EntityKind::Position => pb::EntityType::Position,
    }
}

pub fn phrase_kind(kind: PhraseKind) -> pb::PolicyPhraseKind {
    match kind {
        PhraseKind::Numbered => pb::PolicyPhraseKind::Numbered,
        PhraseKind::Formulation => pb::PolicyPhraseKind::Formulation,
        PhraseKind::Campaign => pb::PolicyPhraseKind::Campaign,
    }
}

fn source(source: Source) -> pb::AnnotationSource {
    match source {
        Source::Lexicon => pb::AnnotationSource::Lexicon,
        Source::Rule => pb::AnnotationSource::Rule,
        Source::Model => pb::AnnotationSource::Model,
        Source::Discovered => pb::AnnotationSource::Discovered,
        Source::Request => pb::AnnotationSource::Request,
    }
}
