//! The annotation pipeline: plain, synchronous Rust with no transport types.
//!
//! Stage order for one document:
//! 1. [`clean`]: cleaned views of the text with a map back to the original;
//! 2. [`policy`]: policy phrases on the matching view;
//! 3. [`segment`]: jieba on the segmenting view, phrases kept whole;
//! 4. [`ner`]: entities from jieba's tokens and rules; tokens inside an
//!    entity are merged so segmentation never splits one;
//! 5. [`keywords`]: TextRank keywords over those tokens.
//!
//! Every span leaving this module is a byte range into the original text.

pub mod clean;
pub mod keywords;
pub mod markup;
pub mod ner;
pub mod offsets;
pub mod policy;
pub mod pos_tags;
pub mod segment;
pub mod structure;
pub mod types;

use std::sync::Arc;

use clean::CleanText;
use ner::{EntityRecognizer, TextContext};
use policy::{ExtraPhrase, PolicyMatcher};
use segment::{ProtectedSpan, Segment, SegmentationMode, SegmentationOptions, Segmenter, keep_whole};
use types::{Annotation, Entity, EntityKind, PolicyPhrase, Span, Token, starts_inside};

/// Which annotators run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    pub tokens: bool,
    pub entities: bool,
    pub policy_phrases: bool,
    pub keywords: bool,
    pub structure: bool,
}

impl Features {
    pub const ALL: Features =
        Features { tokens: true, entities: true, policy_phrases: true, keywords: true, structure: true };
    pub const NONE: Features =
        Features { tokens: false, entities: false, policy_phrases: false, keywords: false, structure: false };
}

/// What happens to annotations inside web boilerplate around an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BoilerplateMode {
    /// Left out of the result.
    #[default]
    Skip,
    /// Returned, and flagged through [`Annotation::boilerplate`].
    Mark,
}

impl Default for Features {
    fn default() -> Self {
        Self::ALL
    }
}

/// Everything a caller may choose for one document.
#[derive(Debug, Clone, Default)]
pub struct AnnotateOptions {
    pub features: Features,
    pub segmentation: SegmentationOptions,
    pub extra_phrases: Vec<ExtraPhrase>,
    /// Resolves relative dates; `None`: the article's own date, if any.
    pub reference_date: Option<types::CivilDate>,
    pub boilerplate: BoilerplateMode,
}

/// The POS tag given to a policy phrase kept whole as one token.
const POLICY_PHRASE_POS: &str = "nz";

/// Runs the stages over one document. Cheap to share: build once, use from
/// every thread.
pub struct Annotator {
    segmenter: Arc<Segmenter>,
    entities: Arc<EntityRecognizer>,
    policy: PolicyMatcher,
}

impl Annotator {
    pub fn new(segmenter: Arc<Segmenter>, entities: Arc<EntityRecognizer>, policy: PolicyMatcher) -> Self {
        Self { segmenter, entities, policy }
    }

    /// The same annotator with another policy matcher (a reloaded lexicon).
    pub fn with_policy(&self, policy: PolicyMatcher) -> Self {
        Self { segmenter: Arc::clone(&self.segmenter), entities: Arc::clone(&self.entities), policy }
    }

    pub fn policy(&self) -> &PolicyMatcher {
        &self.policy
    }

    pub fn entity_recognizer(&self) -> &EntityRecognizer {
        &self.entities
    }

    pub fn annotate(&self, text: &str, options: &AnnotateOptions) -> Annotation {
        let segmented = self.segment(text, options);
        self.finish(text, options, segmented)
    }

    /// Annotates several documents, each as [`Annotator::annotate`] would,
    /// stage by stage: every document is segmented before any is searched
    /// for entities. jieba's dictionary and the NER model's weight table
    /// each fill the CPU caches; run in turn per document, each evicts the
    /// other (jieba ran half as fast inside the pipeline as alone).
    pub fn annotate_batch(&self, documents: &[(&str, &AnnotateOptions)]) -> Vec<Annotation> {
        let segmented: Vec<Segmented> = documents.iter().map(|(text, options)| self.segment(text, options)).collect();
        documents.iter().zip(segmented).map(|((text, options), s)| self.finish(text, options, s)).collect()
    }

    /// Stages 1–3: cleaned view, structure, policy phrases, precise segmentation.
    fn segment(&self, text: &str, options: &AnnotateOptions) -> Segmented {
        let features = options.features;
        let view = CleanText::new(text);
        let structure = structure::analyze(view.as_str());
        // Phrases are needed for tokens and entities too: segmentation keeps them whole.
        let phrases = if features.policy_phrases || features.tokens || features.entities {
            self.policy.find(view.as_str(), &options.extra_phrases)
        } else {
            Vec::new()
        };
        let protected: Vec<ProtectedSpan> =
            phrases.iter().map(|p| ProtectedSpan { span: p.span.clone(), pos: POLICY_PHRASE_POS }).collect();
        let (segments, jieba_tokens) = if needs_precise(options) {
            let junk = structure.boilerplate();
            let tokens = self.segmenter.segment_outside(view.as_str(), skipped(options, &junk), precise(options));
            // The model reads jieba's own tokens; a copy only if phrases change them.
            let jieba_tokens = (features.entities && !protected.is_empty()).then(|| tokens.clone());
            (keep_whole(tokens, &protected), jieba_tokens)
        } else {
            (Vec::new(), None)
        };
        Segmented { view, structure, phrases, protected, segments, jieba_tokens }
    }

    /// Stages 4–5 and the result: entities, entity tokens, keywords, spans
    /// mapped back to the original text.
    fn finish(&self, text: &str, options: &AnnotateOptions, segmented: Segmented) -> Annotation {
        let Segmented { view, structure, mut phrases, protected, mut segments, jieba_tokens } = segmented;
        let features = options.features;
        let mut annotation = Annotation::default();
        let junk = structure.boilerplate();
        let keep = |span: &Span| options.boilerplate == BoilerplateMode::Mark || !starts_inside(span, &junk);
        let precise = precise(options);

        let mut entities = if features.entities {
            let phrase_spans: Vec<Span> = protected.iter().map(|p| p.span.clone()).collect();
            let listed = self.segmenter.listed_names(view.as_str(), &segments);
            let context = TextContext {
                segments: &segments,
                jieba_tokens: jieba_tokens.as_deref().unwrap_or(&segments),
                listed: &listed,
                phrases: &phrase_spans,
                phrase_items: self.policy.items(),
                bylines: &structure.author_spans,
                skipped: skipped(options, &junk),
                reference: options.reference_date,
            };
            self.entities.recognize(view.as_str(), &context)
        } else {
            Vec::new()
        };
        if needs_precise(options) {
            segments = merge_entity_tokens(segments, &entities, &protected);
        }
        if features.keywords {
            // Keywords describe the article, never the page around it.
            let mut article: Vec<Segment> = Vec::with_capacity(segments.len());
            article.extend(segments.iter().filter(|s| !starts_inside(&s.span, &junk)).cloned());
            annotation.keywords = keywords::extract(view.as_str(), &article);
        }
        if features.tokens {
            if options.segmentation != precise {
                segments = self.segmenter.segment(view.as_str(), &protected, options.segmentation);
            }
            segments.retain(|s| keep(&s.span));
            let spans = view.to_original_sorted(segments.iter().map(|s| s.span.clone()));
            // Sized up front: a filtered collect would grow (and copy) the
            // vector a dozen times. Whitespace tokens are dropped; most tokens
            // are told apart by their first char. An HTML tag stays a token
            // (`x`): the tokens cover every other char of the text.
            annotation.tokens = Vec::with_capacity(segments.len());
            annotation.tokens.extend(
                segments
                    .into_iter()
                    .zip(spans)
                    .filter(|(_, span)| text[span.clone()].chars().any(|c| !c.is_whitespace()))
                    .map(|(s, span)| Token { span, pos: s.pos.to_string() }),
            );
        }
        entities.retain(|e| keep(&e.span));
        annotation.entities = entities_to_original(&view, entities);
        if features.policy_phrases {
            phrases.retain(|p| keep(&p.span));
            let spans = view.to_original_sorted(phrases.iter().map(|p| p.span.clone()));
            annotation.policy_phrases =
                phrases.into_iter().zip(spans).map(|(p, span)| PolicyPhrase { span, ..p }).collect();
        }
        annotation.boilerplate = view.to_original_sorted(junk);
        if features.structure {
            annotation.structure = Some(structure.to_original(&view));
        }
        annotation
    }
}

/// `entities` (sorted) with their spans and their nested names' spans mapped
/// from the cleaned view to the original text.
fn entities_to_original(view: &CleanText, mut entities: Vec<Entity>) -> Vec<Entity> {
    let all = || entities.iter().flat_map(|e| std::iter::once(e).chain(&e.nested));
    let mut spans = view.to_original_sorted(all().map(|e| e.span.clone())).into_iter();
    let mut map = |span: &mut Span| *span = spans.next().unwrap_or_else(|| span.clone());
    for e in &mut entities {
        map(&mut e.span);
        e.nested.iter_mut().for_each(|n| map(&mut n.span));
    }
    entities
}

/// What jieba and the entity model need not read: the boilerplate `junk`,
/// when the result leaves it out. (Rules and phrase matching still scan all
/// the text: they are cheap, and the date that resolves relative dates is
/// read from all of it.)
fn skipped<'a>(options: &AnnotateOptions, junk: &'a [Span]) -> &'a [Span] {
    match options.boilerplate {
        BoilerplateMode::Skip => junk,
        BoilerplateMode::Mark => &[],
    }
}

/// The caller's segmentation options in precise mode (what entities and keywords need).
fn precise(options: &AnnotateOptions) -> SegmentationOptions {
    SegmentationOptions { mode: SegmentationMode::Precise, ..options.segmentation }
}

/// Do entities, keywords or the requested tokens need a precise-mode pass?
fn needs_precise(options: &AnnotateOptions) -> bool {
    let features = options.features;
    features.entities || features.keywords || (features.tokens && options.segmentation == precise(options))
}

/// A document after the stages that need jieba, before those that need the
/// NER model (see [`Annotator::annotate_batch`]).
struct Segmented {
    view: CleanText,
    structure: structure::DocumentStructure,
    phrases: Vec<PolicyPhrase>,
    protected: Vec<ProtectedSpan>,
    segments: Vec<Segment>,
    /// `segments` before the phrases were made whole, for the NER model:
    /// only when entities are asked for and a phrase was found (else they
    /// are `segments`).
    jieba_tokens: Option<Vec<Segment>>,
}

/// The tag a token gets when it is a whole entity.
fn entity_pos(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "nr",
        EntityKind::Location => "ns",
        EntityKind::Organization => "nt",
        EntityKind::Date | EntityKind::Time => "t",
        EntityKind::Number | EntityKind::Money | EntityKind::Percent => "m",
        EntityKind::Position => "n",
        EntityKind::Event | EntityKind::Document => "nz",
    }
}

/// Makes each entity one token (see [`keep_whole`]). Titles stay segmented
/// (they hold other entities), but the names nested in them are whole
/// tokens; an entity that would cut a policy phrase is left alone. Both
/// lists are sorted, so this is linear.
fn merge_entity_tokens(segments: Vec<Segment>, entities: &[Entity], phrases: &[ProtectedSpan]) -> Vec<Segment> {
    let mut next_phrase = 0;
    let mut whole = Vec::with_capacity(entities.len());
    let units = entities.iter().flat_map(|e| match e.kind {
        EntityKind::Document => e.nested.as_slice(),
        _ => std::slice::from_ref(e),
    });
    for e in units {
        while next_phrase < phrases.len() && phrases[next_phrase].span.end <= e.span.start {
            next_phrase += 1;
        }
        let cuts_phrase = phrases.get(next_phrase).is_some_and(|p| p.span.start < e.span.end);
        if !cuts_phrase {
            whole.push(ProtectedSpan { span: e.span.clone(), pos: entity_pos(e.kind) });
        }
    }
    keep_whole(segments, &whole)
}

#[cfg(test)]
mod tests {
    use super::*;
    use types::Source;

    fn seg(text: &str, word: &str, from: usize) -> Segment {
        let start = from + text[from..].find(word).unwrap();
        Segment { span: start..start + word.len(), pos: "x" }
    }

    #[test]
    fn entity_tokens_are_merged_and_crossing_tokens_split() {
        let text = "市长龚正主持";
        // jieba might give 市长龚 / 正主持 for an unseen name.
        let segments = vec![seg(text, "市长龚", 0), seg(text, "正主持", 0)];
        let person =
            Entity::new(text.find("龚正").unwrap()..text.find("主").unwrap(), EntityKind::Person, 0.9, Source::Model);
        let merged = merge_entity_tokens(segments, &[person], &[]);
        let words: Vec<&str> = merged.iter().map(|s| &text[s.span.clone()]).collect();
        assert_eq!(words, ["市长", "龚正", "主持"]);
        assert_eq!(merged[1].pos, "nr");
    }
}
