//! Statistical PER/LOC/ORG recognizer: a character-level linear-chain model
//! (a CRF's weights, BIOES tags, Viterbi decoding) over hashed
//! features of the characters around each position and of the jieba tokens
//! that contain and surround it. Trained by `tifa train ner`; see
//! `resources/ner/README.md` for the features, data and figures.
//!
//! The model file (`resources/ner/model.bin`, embedded in the binary):
//!
//! ```text
//! magic "TIFA-NER"  u32 format (2; 1 was the BIO model's 7 tags in 8 lanes)
//! u16 length + version string (UTF-8)
//! u8 hash bits, u8 tags (13), u16 reserved
//! f32 scale (quantized units per unit of the trained weights)
//! i32 × (tags + 1) × tags   transitions (last row: sentence start)
//! u64 FNV-1a of the inflated weights
//! u32 length + zlib-deflated weights: u32 count of non-zero rows, then per
//!   row a LEB128 gap (zero rows skipped) and 16 lanes of i16 LE (2^bits rows)
//! u32 length + zlib-deflated gazetteer: lines `list<TAB>name`, `C<TAB>char<TAB>class`
//! ```

pub mod confidence;
pub mod decode;
pub mod features;
pub mod gazetteer;
mod prefetch;
pub mod tags;

use std::ops::Range;

use features::{Extractor, FEATURES};
use gazetteer::Gazetteer;
use prefetch::prefetch;
use tags::{LANES, TAGS};

use crate::pipeline::segment::Segment;
use crate::pipeline::types::{Entity, EntityKind, Source, Span};

const MAGIC: &[u8; 8] = b"TIFA-NER";
const FORMAT: u32 = 2;
/// Largest table a model file may declare (2^22 rows, 64 MiB).
const MAX_BITS: u8 = 22;

/// What Viterbi takes off every O tag, in units of the trained weights.
/// The CRF's most probable tag sequence calls too few names for the best F1
/// (PD dev, model trained without it: precision 0.933, recall 0.859), so
/// the decoder asks a little less evidence for a name. Chosen on PD dev and
/// MSRA with models trained without each (resources/ner/README.md, "Sixteenth
/// session"); the confidence of a name is still the CRF's own probability.
const OUTSIDE_HANDICAP: f32 = 0.16;

/// The model shipped with tifa.
static EMBEDDED: &[u8] = include_bytes!("../../../resources/ner/model.bin");

/// Parameters of a model, as the trainer produces them and the file stores them.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelParams {
    pub version: String,
    pub bits: u32,
    pub scale: f32,
    /// `transitions[prev][next]`; row `TAGS` is the sentence start.
    pub transitions: [[i32; TAGS]; TAGS + 1],
    /// `2^bits` rows.
    pub weights: Vec<[i16; LANES]>,
    /// Gazetteer lines `list<TAB>name` (see [`gazetteer::LISTS`]) and char
    /// class lines `C<TAB>char<TAB>code` (see [`gazetteer::char_class_code`]).
    pub names: String,
}

impl ModelParams {
    /// The transitions Viterbi decodes with: [`OUTSIDE_HANDICAP`] (in the
    /// quantized units of `scale`) taken off every move into O. Each char is
    /// entered by exactly one move, so this is the same as lowering every O
    /// emission, at no cost per char.
    pub fn decoding_transitions(&self) -> [[i32; TAGS]; TAGS + 1] {
        let handicap = (OUTSIDE_HANDICAP * self.scale).round() as i32;
        let mut decoding = self.transitions;
        for row in decoding.iter_mut() {
            row[tags::O as usize] = row[tags::O as usize].saturating_sub(handicap);
        }
        decoding
    }
}

pub struct NerModel {
    params: ModelParams,
    gazetteer: Gazetteer,
    /// The transitions as the confidence of a name needs them.
    odds: confidence::Transitions,
    /// [`ModelParams::decoding_transitions`], worked out once.
    decoding: [[i32; TAGS]; TAGS + 1],
}

impl std::fmt::Debug for NerModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NerModel").field("version", &self.params.version).field("bits", &self.params.bits).finish()
    }
}

/// The embedded model. If it could not be parsed (a build without a trained
/// model), a model that finds nothing: `NerModel::embedded()` reports why.
impl Default for NerModel {
    fn default() -> Self {
        Self::embedded().unwrap_or_else(|_| Self::empty())
    }
}

impl NerModel {
    /// The model embedded in the binary.
    pub fn embedded() -> Result<Self, String> {
        Self::from_bytes(EMBEDDED).map_err(|e| format!("embedded NER model resources/ner/model.bin: {e}"))
    }

    /// A model with all weights zero: it finds nothing.
    pub fn empty() -> Self {
        Self::from_params(ModelParams {
            version: "none".into(),
            bits: 1,
            scale: 1.0,
            transitions: [[0; TAGS]; TAGS + 1],
            weights: vec![[0; LANES]; 2],
            names: String::new(),
        })
    }

    pub fn from_params(params: ModelParams) -> Self {
        let mut gazetteer = Gazetteer::new(parse_names(&params.names));
        gazetteer.set_char_classes(&params.names);
        let odds = confidence::Transitions::new(&params.transitions, params.scale);
        let decoding = params.decoding_transitions();
        Self { params, gazetteer, odds, decoding }
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    pub fn params(&self) -> &ModelParams {
        &self.params
    }

    pub fn version(&self) -> &str {
        &self.params.version
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(8)? != MAGIC {
            return Err("not a tifa NER model (bad magic)".into());
        }
        let format = r.u32()?;
        if format != FORMAT {
            return Err(format!("model format {format}, this build reads format {FORMAT}"));
        }
        let vlen = r.u16()? as usize;
        let version = std::str::from_utf8(r.take(vlen)?).map_err(|_| "version is not UTF-8")?.to_string();
        let bits = r.u8()?;
        let tags = r.u8()?;
        let _reserved = r.u16()?;
        if !(1..=MAX_BITS).contains(&bits) {
            return Err(format!("bad table size 2^{bits}"));
        }
        if tags as usize != TAGS {
            return Err(format!("model has {tags} tags, expected {TAGS}"));
        }
        let scale = f32::from_bits(r.u32()?);
        if !scale.is_finite() || scale <= 0.0 {
            return Err("bad scale".into());
        }
        let mut transitions = [[0i32; TAGS]; TAGS + 1];
        for row in transitions.iter_mut() {
            for v in row.iter_mut() {
                *v = r.u32()? as i32;
            }
        }
        let checksum = r.u64()?;
        let clen = r.u32()? as usize;
        let compressed = r.take(clen)?;
        let nlen = r.u32()? as usize;
        let names = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(r.take(nlen)?, 64 << 20)
            .map_err(|e| format!("names do not inflate: {e:?}"))?;
        let names = String::from_utf8(names).map_err(|_| "names are not UTF-8")?;
        if r.at != bytes.len() {
            return Err("trailing bytes after the weights".into());
        }
        let rows = 1usize << bits;
        // At most every row, each a 5-byte gap and 16 bytes of weights.
        let limit = 4 + rows * (5 + LANES * 2);
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(compressed, limit)
            .map_err(|e| format!("weights do not inflate: {e:?}"))?;
        if fnv64(&raw) != checksum {
            return Err("weights checksum mismatch".into());
        }
        let weights = decode_rows(&raw, rows)?;
        Ok(Self::from_params(ModelParams { version, bits: bits as u32, scale, transitions, weights, names }))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let p = &self.params;
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        let version = &p.version.as_bytes()[..p.version.len().min(u16::MAX as usize)];
        out.extend_from_slice(&(version.len() as u16).to_le_bytes());
        out.extend_from_slice(version);
        out.push(p.bits as u8);
        out.push(TAGS as u8);
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&p.scale.to_bits().to_le_bytes());
        for row in &p.transitions {
            for v in row {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        let raw = encode_rows(&p.weights);
        out.extend_from_slice(&fnv64(&raw).to_le_bytes());
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&raw, 9);
        out.extend_from_slice(&(compressed.len() as u32).to_le_bytes());
        out.extend_from_slice(&compressed);
        let names = miniz_oxide::deflate::compress_to_vec_zlib(p.names.as_bytes(), 9);
        out.extend_from_slice(&(names.len() as u32).to_le_bytes());
        out.extend_from_slice(&names);
        out
    }

    /// PER/LOC/ORG entities of `text` (byte spans, sorted, non-overlapping).
    /// `segments` are jieba's precise-mode tokens of `text`. Every char is
    /// decoded, a sentence or line at a time (see [`Extractor::units`]).
    pub fn predict(&self, text: &str, segments: &[Segment]) -> Vec<Entity> {
        self.predict_outside(text, segments, &[])
    }

    /// [`NerModel::predict`] that never reads the byte ranges `skipped`
    /// (sorted; boilerplate a caller leaves out of its result).
    pub fn predict_outside(&self, text: &str, segments: &[Segment], skipped: &[Span]) -> Vec<Entity> {
        let ex = Extractor::new(text, segments, &self.gazetteer, self.params.bits);
        let mut out = Vec::new();
        let mut emissions = Vec::new();
        let mut tags = Vec::new();
        let mut back = Vec::new();
        let mut marginals = confidence::Marginals::default();
        let skipped: Vec<Range<usize>> = skipped.iter().map(|s| ex.char_span(s)).collect();
        for region in ex.units().into_iter().flat_map(|r| outside(r, &skipped)) {
            self.emissions(&ex, region.clone(), &mut emissions);
            decode::viterbi_i32(&emissions, &self.decoding, &mut back, &mut tags);
            let spans = decode::spans(&tags);
            if !spans.is_empty() {
                marginals.compute(&emissions, &self.odds, spans.iter().map(|(r, _)| r));
            }
            for (range, kind_index) in spans {
                let kind = match kind_index {
                    0 => EntityKind::Person,
                    1 => EntityKind::Location,
                    _ => EntityKind::Organization,
                };
                let chars = region.start + range.start..region.start + range.end;
                let confidence = marginals.name_probability(&self.odds, range, kind_index);
                // Names written back to back (陈吉宁阴和俊出席) are two people.
                let parts = match kind {
                    EntityKind::Person => ex.person_tokens(chars.clone()).unwrap_or_else(|| vec![chars]),
                    _ => vec![chars],
                };
                for part in parts {
                    out.push(Entity::new(ex.byte_span(part), kind, confidence, Source::Model));
                }
            }
        }
        out
    }

    /// Tag scores of the chars in `range`, into `out`.
    pub fn emissions(&self, ex: &Extractor, range: std::ops::Range<usize>, out: &mut Vec<[i32; LANES]>) {
        let w = &self.params.weights;
        let mask = w.len() - 1;
        out.clear();
        if range.is_empty() {
            return;
        }
        // The table is far bigger than L2: the rows of the chars AHEAD are
        // fetched while this char's rows are summed, so the loads overlap.
        const AHEAD: usize = 2;
        let fetch = |i: usize, rows: &mut [u32; FEATURES]| {
            ex.features(i, rows);
            rows.iter().for_each(|&r| prefetch(&w[r as usize & mask]));
        };
        let mut ring = [[0u32; FEATURES]; AHEAD + 1];
        for (k, i) in range.clone().take(AHEAD).enumerate() {
            fetch(i, &mut ring[k]);
        }
        for (k, i) in range.clone().enumerate() {
            if i + AHEAD < range.end {
                fetch(i + AHEAD, &mut ring[(k + AHEAD) % (AHEAD + 1)]);
            }
            let rows = &ring[k % (AHEAD + 1)];
            // The rows are summed in i16 lanes (see `widen`): half the work
            // of widening each row to i32.
            let mut wrapped = [0i16; LANES];
            let mut high = [0i16; LANES];
            for &r in rows {
                let row = &w[r as usize & mask];
                for l in 0..LANES {
                    wrapped[l] = wrapped[l].wrapping_add(row[l]);
                    high[l] = high[l].wrapping_add(row[l] >> 8);
                }
            }
            out.push(widen(&wrapped, &high));
        }
    }
}

/// The sums of `FEATURES` weights from their wrapping i16 sums `wrapped` and
/// the sums `high` of their high bytes (`v >> 8`), exactly: a weight v is
/// 256·(v >> 8) + (v & 0xFF); the high bytes sum without overflow, and the
/// low bytes sum to less than 2^16, so `wrapped` minus 256·`high`, as u16,
/// is their sum. Kept out of line: inlined, LLVM splits the summing loop
/// into 4-lane halves, which costs more than the call.
#[inline(never)]
fn widen(wrapped: &[i16; LANES], high: &[i16; LANES]) -> [i32; LANES] {
    const _: () = assert!(FEATURES * 255 < 1 << 16 && FEATURES * 128 <= i16::MAX as usize);
    std::array::from_fn(|l| {
        let low = (wrapped[l] as u16).wrapping_sub((high[l] as u16) << 8);
        i32::from(high[l]) * 256 + i32::from(low)
    })
}

/// The parts of char range `r` outside the sorted ranges `skipped`.
fn outside(r: Range<usize>, skipped: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let mut from = r.start;
    let first = skipped.partition_point(|s| s.end <= r.start);
    for s in skipped[first..].iter().take_while(|s| s.start < r.end) {
        if from < s.start {
            parts.push(from..s.start);
        }
        from = from.max(s.end);
    }
    if from < r.end {
        parts.push(from..r.end);
    }
    parts
}

/// Non-zero weight rows: u32 count, then per row a LEB128 gap (rows skipped
/// since the previous one) and 8 × i16 LE. Most rows are zero: this loads
/// much faster than inflating the whole table.
fn encode_rows(weights: &[[i16; LANES]]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut count = 0u32;
    let mut next = 0usize;
    for (i, row) in weights.iter().enumerate() {
        if row.iter().all(|&v| v == 0) {
            continue;
        }
        let mut gap = (i - next) as u64;
        loop {
            let byte = (gap & 0x7f) as u8;
            gap >>= 7;
            if gap == 0 {
                body.push(byte);
                break;
            }
            body.push(byte | 0x80);
        }
        for v in row {
            body.extend_from_slice(&v.to_le_bytes());
        }
        count += 1;
        next = i + 1;
    }
    let mut out = count.to_le_bytes().to_vec();
    out.extend_from_slice(&body);
    out
}

fn decode_rows(raw: &[u8], rows: usize) -> Result<Vec<[i16; LANES]>, String> {
    let mut weights = vec![[0i16; LANES]; rows];
    let mut r = Reader { bytes: raw, at: 0 };
    let count = r.u32()?;
    let mut next = 0usize;
    for _ in 0..count {
        let mut gap = 0usize;
        let mut shift = 0;
        loop {
            let byte = r.u8()?;
            if shift > 35 {
                return Err("bad row gap".into());
            }
            gap |= ((byte & 0x7f) as usize) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
        }
        let i = next.checked_add(gap).filter(|&i| i < rows).ok_or("weight row out of range")?;
        let bytes = r.take(LANES * 2)?;
        for (o, b) in weights[i].iter_mut().zip(bytes.chunks_exact(2)) {
            *o = i16::from_le_bytes([b[0], b[1]]);
        }
        next = i + 1;
    }
    if r.at != raw.len() {
        return Err("trailing bytes after the weight rows".into());
    }
    Ok(weights)
}

/// `list<TAB>name` lines → (name, list).
pub fn parse_names(names: &str) -> impl Iterator<Item = (&str, usize)> {
    names.lines().filter_map(|l| {
        let (list, name) = l.split_once('\t')?;
        Some((name, list.parse().ok()?))
    })
}

fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or("model file is truncated")?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(self.u32()? as u64 | (self.u32()? as u64) << 32)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::pipeline::clean::CleanText;
    use crate::pipeline::segment::{SegmentationOptions, Segmenter};

    fn segmenter() -> Segmenter {
        crate::cli::train::data::segmenter().unwrap()
    }

    #[test]
    fn units_are_cut_around_skipped_ranges() {
        let cut = |r: Range<usize>, skipped: &[Range<usize>]| -> Vec<(usize, usize)> {
            outside(r, skipped).into_iter().map(|p| (p.start, p.end)).collect()
        };
        assert_eq!(cut(0..10, &[]), [(0, 10)]);
        assert_eq!(cut(0..10, &[2..4, 6..7, 12..14]), [(0, 2), (4, 6), (7, 10)]);
        assert_eq!(cut(3..8, &[0..4, 7..20]), [(4, 7)]);
        assert!(cut(3..8, &[0..2, 2..20]).is_empty());
    }

    #[test]
    fn i16_sums_widen_to_the_exact_sums() {
        let mut seed = 3u64;
        let mut weight = |round: usize| -> i16 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            match round % 4 {
                0 => i16::MIN,
                1 => i16::MAX,
                _ => (seed >> 48) as i16,
            }
        };
        for round in 0..1000 {
            let rows: Vec<[i16; LANES]> = (0..FEATURES)
                .map(|k| std::array::from_fn(|l| if round < 4 || (k + l) % 3 > 0 { weight(round) } else { weight(2) }))
                .collect();
            let mut wrapped = [0i16; LANES];
            let mut high = [0i16; LANES];
            for row in &rows {
                for l in 0..LANES {
                    wrapped[l] = wrapped[l].wrapping_add(row[l]);
                    high[l] = high[l].wrapping_add(row[l] >> 8);
                }
            }
            let exact: [i32; LANES] = std::array::from_fn(|l| rows.iter().map(|r| i32::from(r[l])).sum());
            assert_eq!(widen(&wrapped, &high), exact, "round {round}");
        }
    }

    #[test]
    fn every_char_is_decoded_a_sentence_at_a_time() {
        let model = NerModel::embedded().unwrap();
        let text = "市委书记陈吉宁出席。\n龚正主持会议！";
        let segments = segmenter().segment(text, &[], SegmentationOptions::default());
        let ex = Extractor::new(text, &segments, model.gazetteer(), model.params.bits);
        assert_eq!(ex.units(), [0..10, 10..11, 11..18]);
        let long = "一".repeat(features::MAX_UNIT_CHARS + 5);
        let segments = segmenter().segment(&long, &[], SegmentationOptions::default());
        let ex = Extractor::new(&long, &segments, model.gazetteer(), model.params.bits);
        assert_eq!(ex.units(), [0..features::MAX_UNIT_CHARS, features::MAX_UNIT_CHARS..features::MAX_UNIT_CHARS + 5]);
    }

    #[test]
    fn nothing_is_read_in_a_skipped_range() {
        let model = NerModel::embedded().unwrap();
        let text = "市委书记陈吉宁出席。\n上海市市长龚正主持会议。";
        let segments = segmenter().segment(text, &[], SegmentationOptions::default());
        let names = |skipped: &[Span]| -> Vec<String> {
            model.predict_outside(text, &segments, skipped).iter().map(|e| text[e.span.clone()].to_string()).collect()
        };
        assert!(names(&[]).contains(&"陈吉宁".to_string()));
        let first_line = 0..text.find('\n').unwrap();
        let kept = names(&[first_line]);
        assert!(!kept.contains(&"陈吉宁".to_string()) && kept.contains(&"龚正".to_string()), "{kept:?}");
    }

    fn found(model: &NerModel, segmenter: &Segmenter, text: &str) -> Vec<(String, EntityKind)> {
        let segments = segmenter.segment(text, &[], SegmentationOptions::default());
        let entities = model.predict(text, &segments);
        for w in entities.windows(2) {
            assert!(w[0].span.end <= w[1].span.start, "sorted and non-overlapping");
        }
        entities
            .into_iter()
            .inspect(|e| {
                assert!(e.confidence > 0.0 && e.confidence <= 1.0);
                assert_eq!(e.source, Source::Model);
            })
            .map(|e| (text[e.span].to_string(), e.kind))
            .collect()
    }

    #[test]
    fn the_embedded_model_loads_and_round_trips() {
        let started = Instant::now();
        let model = NerModel::embedded().unwrap();
        let load = started.elapsed();
        assert!(model.version().starts_with("tifa-ner"), "{}", model.version());
        assert!(load.as_secs_f64() < 1.0, "load took {load:?}");
        let bytes = model.to_bytes();
        let back = NerModel::from_bytes(&bytes).unwrap();
        assert_eq!(back.params(), model.params());
        assert_eq!(back.to_bytes(), bytes);
    }

    #[test]
    fn the_handicap_on_moves_into_o_is_a_handicap_on_every_o() {
        let model = NerModel::embedded().unwrap();
        let handicap = (OUTSIDE_HANDICAP * model.params.scale).round() as i32;
        assert!(handicap > 0);
        let mut seed = 7u64;
        let mut noise = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % 200_000) as i32 - 100_000
        };
        let (mut back, mut via_moves, mut via_emissions) = (Vec::new(), Vec::new(), Vec::new());
        let mut differs_from_no_handicap = false;
        // Many short sentences: the move from the sentence start counts too.
        let lengths = (0..600).map(|k| 1 + k % 3).chain([30, 200]);
        for len in lengths {
            let emissions: Vec<[i32; LANES]> = (0..len).map(|_| std::array::from_fn(|_| noise())).collect();
            decode::viterbi_i32(&emissions, &model.decoding, &mut back, &mut via_moves);
            let lowered: Vec<[i32; LANES]> = emissions
                .iter()
                .map(|e| {
                    let mut e = *e;
                    e[tags::O as usize] -= handicap;
                    e
                })
                .collect();
            decode::viterbi_i32(&lowered, &model.params.transitions, &mut back, &mut via_emissions);
            assert_eq!(via_moves, via_emissions, "{len} chars");
            let mut plain = Vec::new();
            decode::viterbi_i32(&emissions, &model.params.transitions, &mut back, &mut plain);
            differs_from_no_handicap |= plain != via_moves;
        }
        assert!(differs_from_no_handicap, "the handicap changed no decision");
    }

    #[test]
    fn damaged_files_are_refused_not_panicked_on() {
        let bytes = NerModel::embedded().unwrap().to_bytes();
        assert!(NerModel::from_bytes(&[]).is_err());
        assert!(NerModel::from_bytes(b"TIFA-NER").is_err());
        for cut in [9, 20, 100, bytes.len() / 2, bytes.len() - 1] {
            assert!(NerModel::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        let at = bytes.len() / 3;
        flipped[at] ^= 0x55;
        assert!(NerModel::from_bytes(&flipped).is_err());
        let mut longer = bytes;
        longer.push(0);
        assert!(NerModel::from_bytes(&longer).is_err());
    }

    #[test]
    fn known_and_unseen_names_are_found() {
        let model = NerModel::embedded().unwrap();
        let segmenter = segmenter();
        let cases: [(&str, &str, EntityKind); 7] = [
            ("国家主席习近平在北京会见了法国总统。", "习近平", EntityKind::Person),
            ("国家主席习近平在北京会见了法国总统。", "北京", EntityKind::Location),
            ("国务院总理李强主持召开国务院常务会议。", "李强", EntityKind::Person),
            ("记者从上海市浦东新区获悉，新片区建设进展顺利。", "上海市浦东新区", EntityKind::Location),
            ("中国人民银行今天宣布下调存款准备金率。", "中国人民银行", EntityKind::Organization),
            ("据新华社报道，村民张建国和李秀英捐出了积蓄。", "张建国", EntityKind::Person),
            ("部市共建推进会举行，陈吉宁阴和俊出席并讲话", "阴和俊", EntityKind::Person),
        ];
        for (text, name, kind) in cases {
            let got = found(&model, &segmenter, text);
            assert!(got.contains(&(name.to_string(), kind)), "{text}: {got:?}");
        }
    }

    #[test]
    fn odd_input_is_handled() {
        let model = NerModel::embedded().unwrap();
        let segmenter = segmenter();
        for text in [
            String::new(),
            "hello world 123".to_string(),
            "😀🇨🇳\u{0}\u{7}\t\r\n\u{200b}\u{FEFF}".to_string(),
            "王".repeat(100_000),
            "张三李四".repeat(5_000),
            "ＡＢＣ１２３　北京".to_string(),
        ] {
            let got = found(&model, &segmenter, &text);
            assert!(got.len() <= text.chars().count());
        }
        // Segments that do not fit the text are tolerated.
        let text = "李强在上海";
        let (six, three) = (6, 3);
        let bad = vec![
            Segment { span: 0..1, pos: "nr" },
            Segment { span: 3..100, pos: "ns" },
            Segment { span: six..three, pos: "x" },
            Segment { span: 3..9, pos: "nr" },
            Segment { span: 0..15, pos: "n" },
        ];
        let _ = model.predict(text, &bad);
        let _ = model.predict(text, &[]);
        // A 1 MB line.
        let line = "市委书记陈吉宁在浦东新区调研，".repeat(1_000_000 / 45);
        let segments = segmenter.segment(&line, &[], SegmentationOptions::default());
        let n = model.predict(&line, &segments).len();
        assert!(n > 0);
    }

    /// Throughput of jieba `tag` alone and of `tag` + `predict` on the fixture
    /// articles: `cargo test --release --lib ner::model -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn speed() {
        let started = Instant::now();
        let model = NerModel::embedded().unwrap();
        println!("model {} bytes, loaded in {:?}", EMBEDDED.len(), started.elapsed());
        let segmenter = segmenter();
        let mut text = String::new();
        let mut paths: Vec<_> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/articles"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for p in paths {
            text.push_str(&std::fs::read_to_string(p).unwrap());
        }
        let view = CleanText::new(&text);
        let docs: Vec<&str> = view.as_str().split("\n\n").filter(|d| !d.trim().is_empty()).collect();
        let chars: usize = docs.iter().map(|d| d.chars().count()).sum();
        let rounds = 50;
        let (mut t_tag, mut t_pred, mut entities) = (0f64, 0f64, 0usize);
        for _ in 0..rounds {
            for doc in &docs {
                let started = Instant::now();
                let segments = segmenter.segment(doc, &[], SegmentationOptions::default());
                let tagged = Instant::now();
                entities += model.predict(doc, &segments).len();
                t_pred += tagged.elapsed().as_secs_f64();
                t_tag += (tagged - started).as_secs_f64();
            }
        }
        let total = (chars * rounds) as f64;
        // Where predict's time goes.
        let all: Vec<_> =
            docs.iter().map(|d| (*d, segmenter.segment(d, &[], SegmentationOptions::default()))).collect();
        let (mut t_ex, mut t_em, mut t_vit) = (0f64, 0f64, 0f64);
        let mut em = Vec::new();
        let mut tags = Vec::new();
        let mut back = Vec::new();
        for _ in 0..rounds {
            for (doc, segments) in &all {
                let a = Instant::now();
                let ex = Extractor::new(doc, segments, model.gazetteer(), model.params.bits);
                let units = ex.units();
                let b = Instant::now();
                t_ex += (b - a).as_secs_f64();
                for r in units {
                    let c = Instant::now();
                    model.emissions(&ex, r, &mut em);
                    let d = Instant::now();
                    decode::viterbi_i32(&em, &model.decoding, &mut back, &mut tags);
                    t_em += (d - c).as_secs_f64();
                    t_vit += d.elapsed().as_secs_f64();
                }
            }
        }
        println!(
            "predict: extractor {:.0} ns/char, emissions {:.0}, viterbi {:.0}",
            t_ex / total * 1e9,
            t_em / total * 1e9,
            t_vit / total * 1e9
        );
        println!(
            "{} chars × {rounds}: jieba tag {:.2} M chars/s; predict alone {:.2} M chars/s; tag + predict {:.2} M chars/s ({:.0}% of tag); {} entities",
            chars,
            total / t_tag / 1e6,
            total / t_pred / 1e6,
            total / (t_tag + t_pred) / 1e6,
            100.0 * t_tag / (t_tag + t_pred),
            entities / rounds
        );
    }
}
