//! The annotation data model. Every span is a byte range into the ORIGINAL text.

use std::ops::Range;

use serde::Serialize;

/// A half-open byte range `[start, end)` into the original text.
pub type Span = Range<usize>;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Token {
    pub span: Span,
    /// jieba / ICTCLAS part-of-speech tag.
    pub pos: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntityKind {
    Person,
    Location,
    Organization,
    Date,
    Time,
    Number,
    Money,
    Percent,
    Document,
    Event,
    Position,
}

impl EntityKind {
    pub const ALL: [EntityKind; 11] = [
        EntityKind::Person,
        EntityKind::Location,
        EntityKind::Organization,
        EntityKind::Date,
        EntityKind::Time,
        EntityKind::Number,
        EntityKind::Money,
        EntityKind::Percent,
        EntityKind::Document,
        EntityKind::Event,
        EntityKind::Position,
    ];
}

/// Where an annotation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Lexicon,
    Rule,
    Model,
    Discovered,
    Request,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NumericValue {
    pub value: f64,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    pub span: Span,
    pub kind: EntityKind,
    pub confidence: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalized: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numeric: Option<NumericValue>,
    /// For a person: the position written right before the name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhraseKind {
    Numbered,
    Formulation,
    Campaign,
}

impl PhraseKind {
    pub const ALL: [PhraseKind; 3] = [PhraseKind::Numbered, PhraseKind::Formulation, PhraseKind::Campaign];

    pub fn as_str(self) -> &'static str {
        match self {
            PhraseKind::Numbered => "numbered",
            PhraseKind::Formulation => "formulation",
            PhraseKind::Campaign => "campaign",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyPhrase {
    pub span: Span,
    pub canonical: String,
    pub category: String,
    pub kind: PhraseKind,
    /// Lexicon entry id; empty for discovered and request phrases.
    pub phrase_id: String,
    pub source: Source,
    pub confidence: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Keyword {
    pub text: String,
    pub weight: f64,
    pub pos: String,
}

/// Everything the pipeline found in one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Annotation {
    pub tokens: Vec<Token>,
    pub entities: Vec<Entity>,
    pub policy_phrases: Vec<PolicyPhrase>,
    pub keywords: Vec<Keyword>,
}
