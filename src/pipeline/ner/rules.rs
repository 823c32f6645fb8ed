//! Rule-based entities (being built; see issue 3).

use crate::pipeline::types::{CivilDate, Entity};

/// Placeholder until the rules land: finds nothing.
pub fn find(_text: &str, _reference: Option<CivilDate>) -> Vec<Entity> {
    Vec::new()
}
