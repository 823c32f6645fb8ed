//! Policy phrases (提法): lexicon hits, request phrases and, later, formulations
//! discovered by their shape.

mod discover;
pub mod lexicon;
mod matcher;
mod scan;

pub use lexicon::{Lexicon, LexiconEntry, LexiconError};
pub use matcher::{ExtraPhrase, PhraseItems, PolicyMatcher};
