//! The annotation data model. Every span is a byte range into the ORIGINAL text.

use std::ops::Range;

use serde::Serialize;

/// A half-open byte range `[start, end)` into the original text.
pub type Span = Range<usize>;

/// A calendar date (proleptic Gregorian), e.g. the reference date against
/// which 昨天 or 7月7日 are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct CivilDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl CivilDate {
    /// Parses `YYYY-MM-DD`, checking the day exists in that month.
    pub fn parse_iso(s: &str) -> Option<CivilDate> {
        let mut parts = s.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = CivilDate { year: y.parse().ok()?, month: m.parse().ok()?, day: d.parse().ok()? };
        date.is_valid().then_some(date)
    }

    pub fn is_valid(&self) -> bool {
        (1..=12).contains(&self.month) && self.day >= 1 && self.day <= days_in_month(self.year, self.month)
    }
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

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
    /// The names written inside a 《title》 or a meeting's name (毛泽东 in
    /// 《毛泽东选集》, 英联邦 in 第十六届英联邦运动会): persons, places and
    /// organizations, sorted, non-overlapping, each inside this span. Empty
    /// for other entities. Top-level entities never overlap; these are the
    /// only spans that lie inside another.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nested: Vec<Entity>,
}

impl Entity {
    /// An entity with no normalized value, number, position or nested names.
    pub fn new(span: Span, kind: EntityKind, confidence: f32, source: Source) -> Self {
        Self { span, kind, confidence, normalized: None, numeric: None, position: None, source, nested: Vec::new() }
    }
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
    /// Present when the structure feature is on.
    pub structure: Option<super::structure::DocumentStructure>,
    /// Boilerplate block spans, sorted; annotations inside them are flagged
    /// (they are only returned when boilerplate is marked, not skipped).
    pub boilerplate: Vec<Span>,
}

/// Whether `span` starts inside one of `blocks` (sorted, disjoint).
pub fn starts_inside(span: &Span, blocks: &[Span]) -> bool {
    let idx = blocks.partition_point(|b| b.end <= span.start);
    blocks.get(idx).is_some_and(|b| b.start <= span.start)
}
