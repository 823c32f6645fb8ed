//! Rule-based entities: DATE and TIME, NUMBER / MONEY / PERCENT, DOCUMENT
//! (《…》), EVENT (meetings) and POSITION (job titles). The statistical model
//! owns PERSON / LOCATION / ORGANIZATION; `ner` merges both.
//!
//! Every recognizer is a single left-to-right scan with bounded look-around,
//! so `find` is linear in the text whatever it holds.
//! Word lists live in `resources/ner/rules_*.txt` and are built once.
//!
//! Order matters: titles and dates first, then events and positions, whose
//! names never run into a title or a date already found ([`boundary::Walls`]),
//! then amounts. Overlaps are settled by [`tier`], then the longer span.

mod boundary;
mod calendar;
mod companies;
mod dates;
mod events;
mod lexicon;
mod lists;
mod numbers;
mod numerals;
mod positions;
pub(crate) mod text;
mod titles;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use boundary::Walls;

use crate::pipeline::types::{CivilDate, Entity, EntityKind};

/// Rule entities of `text` (a cleaned view): spans are byte ranges into it,
/// sorted and non-overlapping. Relative dates (昨天, 7月7日) resolve against
/// `reference`, or else against the first complete date written in the text
/// (the dateline); with neither they stay partial (`--07-07`).
pub fn find(text: &str, reference: Option<CivilDate>) -> Vec<Entity> {
    let dated = dates::scan(text);
    let reference = reference.or_else(|| dates::document_date(&dated));

    let mut hard = titles::find(text);
    // A title holds what is written inside it, a newspaper's name too: 星期日
    // in 《星期日电讯报》 is no date.
    let titles = Walls::new(hard.iter().map(|e| e.span.clone()));
    hard.extend(dates::to_entities(dated, reference).into_iter().filter(|d| !titles.overlaps(&d.span)));
    let mut found = resolve(hard);

    let walls = Walls::new(found.iter().map(|e| e.span.clone()));
    found.extend(events::find(text, &walls));
    let walls = Walls::new(found.iter().map(|e| e.span.clone()));
    found.extend(positions::find(text, &walls));
    found.extend(numbers::find(text));
    found.extend(companies::find(text));
    resolve(found)
}

/// Which rule wins an overlap: a title holds whatever is inside it; a
/// meeting name holds its ordinals (第七次); a date holds its digits (2025年
/// is no NUMBER); an amount is the weakest.
fn tier(kind: EntityKind) -> u8 {
    match kind {
        EntityKind::Document => 5,
        EntityKind::Event => 4,
        EntityKind::Date | EntityKind::Time => 3,
        EntityKind::Position => 2,
        EntityKind::Money | EntityKind::Percent | EntityKind::Number => 1,
        EntityKind::Person | EntityKind::Location | EntityKind::Organization => 0,
    }
}

/// Keeps the best of overlapping entities (tier, then length, then the
/// earlier one), in O(n log n); returns them sorted by start.
fn resolve(mut found: Vec<Entity>) -> Vec<Entity> {
    found.retain(|e| !e.span.is_empty());
    found.sort_by(|a, b| {
        (tier(b.kind), b.span.len()).cmp(&(tier(a.kind), a.span.len())).then(a.span.start.cmp(&b.span.start))
    });
    // Kept spans by start.
    let mut kept: BTreeMap<usize, Entity> = BTreeMap::new();
    for e in found {
        let clashes_before = kept.range(..=e.span.start).next_back().is_some_and(|(_, k)| k.span.end > e.span.start);
        let clashes_after = kept.range(e.span.start..).next().is_some_and(|(_, k)| k.span.start < e.span.end);
        if !clashes_before && !clashes_after {
            kept.insert(e.span.start, e);
        }
    }
    kept.into_values().collect()
}
