//! Statistical PER/LOC/ORG recognizer (being built; see issue 3).

use crate::pipeline::segment::Segment;
use crate::pipeline::types::Entity;

/// Placeholder until the trained model lands: finds nothing.
#[derive(Debug, Default)]
pub struct NerModel;

impl NerModel {
    pub fn version(&self) -> &str {
        "none"
    }

    pub fn predict(&self, _text: &str, _segments: &[Segment]) -> Vec<Entity> {
        Vec::new()
    }
}
