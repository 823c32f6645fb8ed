//! The annotation pipeline: plain, synchronous Rust with no transport types.
//!
//! Stage order for one document:
//! 1. [`clean`]: cleaned views of the text with a map back to the original;
//! 2. [`policy`]: policy phrases on the matching view;
//! 3. [`segment`]: jieba on the segmenting view, phrases kept whole;
//! 4. [`keywords`]: TF-IDF keywords of the document.
//!
//! Every span leaving this module is a byte range into the original text.

pub mod clean;
pub mod keywords;
pub mod offsets;
pub mod policy;
pub mod segment;
pub mod types;

use std::sync::Arc;

use clean::{CleanMode, CleanText};
use keywords::KeywordExtractor;
use policy::{ExtraPhrase, PolicyMatcher};
use segment::{ProtectedSpan, SegmentationOptions, Segmenter};
use types::{Annotation, Token};

/// Which annotators run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    pub tokens: bool,
    pub entities: bool,
    pub policy_phrases: bool,
    pub keywords: bool,
}

impl Features {
    pub const ALL: Features = Features { tokens: true, entities: true, policy_phrases: true, keywords: true };
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
}

/// The POS tag given to a policy phrase kept whole as one token.
const POLICY_PHRASE_POS: &str = "nz";

/// Runs the stages over one document. Cheap to share: build once, use from
/// every thread.
pub struct Annotator {
    segmenter: Arc<Segmenter>,
    keywords: Arc<KeywordExtractor>,
    policy: PolicyMatcher,
}

impl Annotator {
    pub fn new(segmenter: Arc<Segmenter>, keywords: Arc<KeywordExtractor>, policy: PolicyMatcher) -> Self {
        Self { segmenter, keywords, policy }
    }

    /// The same annotator with another policy matcher (a reloaded lexicon).
    pub fn with_policy(&self, policy: PolicyMatcher) -> Self {
        Self { segmenter: Arc::clone(&self.segmenter), keywords: Arc::clone(&self.keywords), policy }
    }

    pub fn policy(&self) -> &PolicyMatcher {
        &self.policy
    }

    pub fn annotate(&self, text: &str, options: &AnnotateOptions) -> Annotation {
        let features = options.features;
        let mut annotation = Annotation::default();

        // Phrases are needed for tokens too: segmentation keeps them whole.
        let phrases = if features.policy_phrases || features.tokens {
            let view = CleanText::with_mode(text, CleanMode::Matching);
            self.policy.find(&view, &options.extra_phrases)
        } else {
            Vec::new()
        };

        let view = CleanText::new(text);
        if features.tokens {
            let protected: Vec<ProtectedSpan> = phrases
                .iter()
                .map(|p| ProtectedSpan { span: view.from_original(&p.span), pos: POLICY_PHRASE_POS })
                .filter(|p| !p.span.is_empty())
                .collect();
            annotation.tokens = self
                .segmenter
                .segment(view.as_str(), &protected, options.segmentation)
                .into_iter()
                .map(|s| Token { span: view.to_original(&s.span), pos: s.pos })
                .filter(|t| !text[t.span.clone()].trim().is_empty())
                .collect();
        }
        if features.keywords {
            annotation.keywords = self.keywords.extract(self.segmenter.jieba(), view.as_str());
        }
        if features.policy_phrases {
            annotation.policy_phrases = phrases;
        }
        annotation
    }
}
