//! Organizations named after their seat: 日本大藏省, 英国阿森纳, 巴西环境保护局.
//! The news corpora label a place and the body seated there as one
//! organization (~870 such names in the training data against ~50 pairs
//! written apart); the model often ends the name after the place. Also the
//! other parts of a body's name the model leaves out: its unit (附中), its
//! scope (国家), the rare word that names it (上马|化纤厂).

use std::sync::LazyLock;

use super::abbreviations::is_abbreviation;
use super::corrections::{DIVISION_CUTS, list_bit};
use super::model::gazetteer::Gazetteer;
use super::rules::text::CharSet;
use crate::pipeline::pos_tags::is_closed_class;
use crate::pipeline::segment::{Segment, tokens_from};
use crate::pipeline::types::{Entity, EntityKind, Source};

/// Applies the readings below to the model's `names` (sorted, non-overlapping).
/// `tokens` are jieba's tokens of `text`, in order.
pub(super) fn join(text: &str, names: &mut Vec<Entity>, tokens: &[Segment], gazetteer: &Gazetteer) {
    bodies_take_their_scope(text, names, tokens);
    places_join_their_bodies(text, names, gazetteer);
    places_take_their_body(text, names, tokens);
    bodies_take_their_units(text, names, tokens);
    proper_words_name_their_body(text, names, tokens);
}

/// jieba's tags for the nouns a body's name is made of.
const NOUN_TAGS: [&str; 6] = ["n", "vn", "nz", "b", "j", "nt"];

/// Words that begin the name of a national or international body.
const SCOPES: [&str; 2] = ["国家", "国际"];

/// Most chars a body takes in before the model's start.
const MAX_SCOPE_CHARS: usize = 6;

/// A model organization takes in the [`SCOPES`] word that begins its name
/// when only nouns stand between them (国家|质量技术监督局, 国际|游泳|联合会,
/// 国家|智能|计算机|研究开发中心): the model often starts a long name at its
/// last words. Taking in any nouns before it went too far (由区纪委,
/// 下半场中国队; −0.7 points).
fn bodies_take_their_scope(text: &str, names: &mut [Entity], tokens: &[Segment]) {
    for k in 0..names.len() {
        if names[k].kind != EntityKind::Organization {
            continue;
        }
        let floor = if k == 0 { 0 } else { names[k - 1].span.end };
        let Some(from) = tokens_from(tokens, names[k].span.start) else { continue };
        let before = &tokens[..tokens.len() - from.len()];
        let mut start = names[k].span.start;
        let mut chars = 0;
        for token in before.iter().rev() {
            chars += text[token.span.clone()].chars().count();
            if !NOUN_TAGS.contains(&token.pos) || token.span.start < floor || chars > MAX_SCOPE_CHARS {
                break;
            }
            if SCOPES.contains(&&text[token.span.clone()]) {
                start = token.span.start;
            }
        }
        names[k].span.start = start;
    }
}

/// jieba's tags for proper words: places and persons. (Its other proper
/// nouns, nz, are mostly common words: 野战, 外籍.)
const PROPER_TAGS: [&str; 3] = ["ns", "nr", "nrt"];

/// Words jieba tags as places that name none (外国公司 is "foreign companies").
const NOT_PROPER: [&str; 12] =
    ["外国", "国外", "海外", "境外", "各国", "本国", "全国", "中外", "异国", "他国", "外地", "当地"];

/// A proper word of two chars or more that no model name covers, followed
/// by the rest of a body's name (as in [`places_take_their_body`], with no
/// verb in it), is one organization (上马|化纤厂, 玉泉|啤酒厂, 镇南|小学,
/// 月亮神|酒店): the model knows the kind of body but not the rare word
/// that names it. A pair of place abbreviations (欧美, 中美) is left to
/// [`super::abbreviations`], and a province (伊斯法罕|省) is a place.
fn proper_words_name_their_body(text: &str, names: &mut Vec<Entity>, tokens: &[Segment]) {
    let mut found = Vec::new();
    let mut k = 0; // the first model name that ends after the token's start
    for (i, token) in tokens.iter().enumerate() {
        while k < names.len() && names[k].span.end <= token.span.start {
            k += 1;
        }
        // Not a token inside the body found before it (上马|城关|化纤厂).
        let inside_found = found.last().is_some_and(|body: &Entity| token.span.start < body.span.end);
        if !PROPER_TAGS.contains(&token.pos) || inside_found {
            continue;
        }
        let next_name = names.get(k).map_or(text.len(), |n| n.span.start);
        let word = &text[token.span.clone()];
        let proper = token.span.end <= next_name
            && word.chars().nth(1).is_some()
            && !NOT_PROPER.contains(&word)
            && !word.chars().all(is_abbreviation);
        if !proper {
            continue;
        }
        // A body's rest has at most MAX_BODY_CHARS tokens: look no further.
        let rest = &tokens[i + 1..tokens.len().min(i + 1 + MAX_BODY_CHARS)];
        let verb_at = rest.iter().position(|t| t.pos.starts_with('v')).unwrap_or(rest.len());
        let body = body_end(text, &rest[..verb_at], next_name).filter(|body| body.head != "省");
        if let Some(BodyEnd { end, .. }) = body {
            found.push(Entity::new(
                token.span.start..end,
                EntityKind::Organization,
                TAKEN_BODY_CONFIDENCE,
                Source::Model,
            ));
        }
    }
    if !found.is_empty() {
        names.extend(found);
        names.sort_by_key(|n| n.span.start);
    }
}

/// Units of a body, written right after its name (复旦大学|化学系,
/// 解放军总医院|心外科). The training data never write one apart from the
/// organization before it. Party and title words (党委, 政治部, 书记处) are
/// left to the position rules, which read them with the title after them.
#[rustfmt::skip]
const UNITS: [&str; 20] = [
    "研究中心", "分公司", "办公室", "研究室", "研究所", "实验室", "编辑部", "编辑室", "附中", "附小", "分院", "分校",
    "分行", "分局", "总部", "计量室", "心外科", "外科", "内科", "教研室",
];

/// A model organization followed by one of its [`UNITS`] as a jieba token
/// of its own, or by a department (a token of three or four chars ending in
/// 系: 化学系, not 体系 or 联系), takes the unit in.
fn bodies_take_their_units(text: &str, names: &mut [Entity], tokens: &[Segment]) {
    for k in 0..names.len() {
        if names[k].kind != EntityKind::Organization {
            continue;
        }
        let end = names[k].span.end;
        let next_name = names.get(k + 1).map_or(text.len(), |n| n.span.start);
        let Some(token) = tokens_from(tokens, end).map(|after| &after[0]).filter(|t| t.span.end <= next_name) else {
            continue;
        };
        let word = &text[token.span.clone()];
        let department = word.ends_with('系') && (3..=4).contains(&word.chars().count());
        if UNITS.contains(&word) || department {
            names[k].span.end = token.span.end;
        }
    }
}

/// Longest place name looked for at the start of an organization.
const MAX_PLACE_CHARS: usize = 6;

/// A model place right before a model organization is one organization
/// with it (日本|大藏省, 英国|阿森纳, 彭山县|仁德彩印厂). The pairs the corpora
/// write apart are mostly a place before a body that starts with a place of
/// its own (长沙市|芙蓉区人民法院, 河南省|郑州市公安局, 如东县|孙窑乡农技站):
/// those stay two.
fn places_join_their_bodies(text: &str, names: &mut Vec<Entity>, gazetteer: &Gazetteer) {
    let place_bits = list_bit(EntityKind::Location).unwrap_or(0) * 0b1001; // known and jieba's
    let starts_with_a_place = |body: &str| {
        let listed = body
            .char_indices()
            .skip(2)
            .take(MAX_PLACE_CHARS - 1)
            .map(|(i, _)| i)
            .chain([body.len()])
            .any(|end| gazetteer.lists_of(&body[..end]) & place_bits != 0);
        // A division too small for the lists, with a body after it: 崔马镇|供销社,
        // 孙窑乡|农技站 (not 大藏省).
        let chars: Vec<char> = body.chars().collect();
        let division = (1..=3).any(|i| i + 2 < chars.len() && DIVISION_CUTS.contains(chars[i]));
        listed || division
    };
    let mut k = 0;
    while k + 1 < names.len() {
        let (place, body) = (&names[k], &names[k + 1]);
        let joins = place.kind == EntityKind::Location
            && body.kind == EntityKind::Organization
            && place.span.end == body.span.start
            && !starts_with_a_place(&text[body.span.clone()]);
        if joins {
            let confidence = place.confidence.min(body.confidence);
            let span = place.span.start..body.span.end;
            names[k] = Entity::new(span, EntityKind::Organization, confidence, Source::Model);
            names.remove(k + 1);
        }
        k += 1;
    }
}

/// Words that end an organization's name, written as a jieba token of their
/// own or at the end of one (股票|交易所, 环境|保护|局). 政府 is not here: the
/// corpora label 美国 in 美国政府, not the whole.
#[rustfmt::skip]
const BODY_HEADS: [&str; 55] = [
    "部", "局", "省", "署", "厅", "委", "院", "委员会", "出版社", "交易所", "研究所", "研究院", "研究会", "研究中心",
    "大学", "学院", "银行", "公司", "总公司", "协会", "学会", "基金会", "联合会", "总会", "俱乐部", "球队", "足球队",
    "代表队", "代表团", "集团", "总厂", "报社", "电视台", "电台", "通讯社", "联盟", "空军", "海军", "陆军",
    "厂", "站", "社", "所", "中学", "小学", "高中", "学校", "中专", "饭店", "宾馆", "酒店", "艺术团", "大队", "公学", "医院",
];

/// Words that end in a [`BODY_HEADS`] word and name no body (后备干部,
/// 新格局, 独立团政委, 戒坛院: a cadre, a pattern, a title, a temple hall).
#[rustfmt::skip]
const NOT_BODIES: [&str; 15] =
    ["干部", "格局", "结局", "布局", "大局", "全局", "当局", "政委", "编委", "大厅", "餐厅", "展厅", "剧院", "寺院", "车站"];

/// Heads that name one body right after a place (厦门|电视台, 香山|饭店).
const OWN_HEADS: [&str; 9] = ["电视台", "电台", "饭店", "宾馆", "大学", "高中", "中学", "医院", "报社"];

/// The party committee of a place, written right after it (浦东新区|区委,
/// 江苏省|省委): one organization with the place. In the training data a
/// place is never labelled apart from the committee after it (66 joined).
const COMMITTEES: [&str; 7] = ["省委", "市委", "区委", "县委", "州委", "党委", "纪委"];

/// At most this sure of a body taken in: the model was sure of the place
/// only, and about 4 in 5 of the bodies taken in were right on PD dev and
/// MSRA.
const TAKEN_BODY_CONFIDENCE: f32 = 0.8;

/// Longest body taken after a place (国立自治大学, 环境保护局: up to 8 chars).
const MAX_BODY_CHARS: usize = 8;

/// Words that are no part of a body's name: the closed classes (the 的 of
/// 美国的公司), one-char verbs (是, 应; longer verbs name what a body does:
/// 环境|保护|局), and words that begin with a numeral (两大).
fn outside_a_name(word: &str, pos: &str) -> bool {
    is_closed_class(pos)
        || (pos.starts_with('v') && word.chars().nth(1).is_none())
        || word.starts_with(|c| "一二两三四五六七八九十百千万".contains(c))
}

/// A model place followed by the rest of a body's name that the model left
/// out (日本|通产省, 巴西|环境保护局, 美国|股票交易所) takes it in as one
/// organization: jieba's tokens after the place, up to the first that ends
/// with a [`BODY_HEADS`] word, with two chars or more before that word (美国
/// 公司 is "American companies") and no model name among them. 组织 and 中心
/// are no heads here: 美国外国记者中心组织的 is "organized by". A one-char
/// head counts only at the end of a token of three chars or more, or alone
/// (社会 and 全省 end in no body). A [`COMMITTEES`] word right after the
/// place is taken in too, and so is an [`OWN_HEADS`] word alone.
fn places_take_their_body(text: &str, names: &mut [Entity], tokens: &[Segment]) {
    for k in 0..names.len() {
        if names[k].kind != EntityKind::Location {
            continue;
        }
        let start = names[k].span.end;
        let next_name = names.get(k + 1).map_or(text.len(), |n| n.span.start);
        let Some(after) = tokens_from(tokens, start) else { continue };
        let committee =
            after.first().filter(|t| COMMITTEES.contains(&&text[t.span.clone()]) && t.span.end <= next_name);
        let body = match committee {
            Some(token) => Some(token.span.end),
            None => body_end(text, after, next_name)
                .filter(|body| body.before_head >= 2 || (body.before_head == 0 && OWN_HEADS.contains(&body.head)))
                .map(|body| body.end),
        };
        if let Some(end) = body {
            names[k].span.end = end;
            names[k].kind = EntityKind::Organization;
            names[k].confidence = names[k].confidence.min(TAKEN_BODY_CONFIDENCE);
        }
    }
}

/// Where the rest of a body's name ends, as [`body_end`] finds it.
struct BodyEnd {
    end: usize,
    /// The [`BODY_HEADS`] word it ends with.
    head: &'static str,
    /// Chars of the rest before that word.
    before_head: usize,
}

/// The end of the rest of a body's name in `after` (jieba's tokens after a
/// name): the first token that ends with a [`BODY_HEADS`] word, with no word
/// outside a name before it, at most [`MAX_BODY_CHARS`] in all and not past
/// `limit`.
fn body_end(text: &str, after: &[Segment], limit: usize) -> Option<BodyEnd> {
    let mut chars = 0;
    for token in after {
        let word = &text[token.span.clone()];
        chars += word.chars().count();
        if outside_a_name(word, token.pos) || chars > MAX_BODY_CHARS || token.span.end > limit {
            return None;
        }
        if let Some(head) = body_head(word) {
            return Some(BodyEnd { end: token.span.end, head, before_head: chars - head.chars().count() });
        }
    }
    None
}

/// The last chars of the [`BODY_HEADS`] words: a gate before the lists.
static HEAD_LASTS: LazyLock<CharSet> =
    LazyLock::new(|| CharSet::new(BODY_HEADS.iter().filter_map(|h| h.chars().next_back())));

/// The [`BODY_HEADS`] word that `word` (one jieba token) ends with, if any.
fn body_head(word: &str) -> Option<&'static str> {
    if !word.chars().next_back().is_some_and(|c| HEAD_LASTS.contains(c)) {
        return None;
    }
    let long_enough = |head: &str| head.chars().count() > 1 || word == head || word.chars().count() >= 3;
    if NOT_BODIES.iter().any(|w| word.ends_with(w)) {
        return None;
    }
    BODY_HEADS.iter().copied().filter(|h| word.ends_with(h) && long_enough(h)).max_by_key(|h| h.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::ner::tests::{model, shown_texts, tokens};

    #[test]
    fn a_place_joins_the_body_it_seats() {
        let gazetteer = Gazetteer::new([("长沙市", 1), ("芙蓉区", 1)]);
        for (text, place, body, joined) in [
            ("日本大藏省宣布", "日本", "大藏省", true),
            ("长沙市芙蓉区人民法院", "长沙市", "芙蓉区人民法院", false),
            ("江苏省如东县孙窑乡农技站", "如东县", "孙窑乡农技站", false),
        ] {
            let mut names = vec![model(text, place, EntityKind::Location), model(text, body, EntityKind::Organization)];
            places_join_their_bodies(text, &mut names, &gazetteer);
            let found = shown_texts(text, &names);
            if joined {
                assert_eq!(found, [format!("{place}{body}")], "{text}");
                assert_eq!(names[0].kind, EntityKind::Organization);
            } else {
                assert_eq!(found, [place, body], "{text}");
            }
        }
    }

    #[test]
    fn a_place_takes_in_the_rest_of_its_body() {
        for (text, place, found) in [
            ("日本通产省宣布", "日本", "日本通产省"),
            ("巴西环境保护局局长", "巴西", "巴西环境保护局"),
            ("美国股票交易所今天", "美国", "美国股票交易所"),
            ("南昌胶鞋厂也在", "南昌", "南昌胶鞋厂"),
            ("浦东新区区委表示", "浦东新区", "浦东新区区委"),
            ("厦门电视台今天", "厦门", "厦门电视台"),
            ("只好去了香山饭店。", "香山", "香山饭店"),
            ("美国希望中文学校的师生", "美国", "美国希望中文学校"),
            // No body: a generic word, a word that only ends in 会, a particle,
            // a verb, a numeral, a word that only ends in 部.
            ("这家意大利公司总裁", "意大利", "意大利"),
            ("中国经济社会发展", "中国", "中国"),
            ("美国的公司", "美国", "美国"),
            ("美国客人是应外交学会邀请", "美国", "美国"),
            ("根据德国两大全国性电视台", "德国", "德国"),
            ("泰兴加紧培养后备干部队伍", "泰兴", "泰兴"),
            ("四川广元火车站职工", "四川", "四川"),
        ] {
            let mut names = vec![model(text, place, EntityKind::Location)];
            places_take_their_body(text, &mut names, &tokens(text));
            assert_eq!(shown_texts(text, &names), [found], "{text}");
        }
    }

    #[test]
    fn a_proper_word_names_the_body_after_it() {
        for (text, found) in [
            ("投巨资上马化纤厂，把食品厂", vec!["上马化纤厂"]),
            ("拖欠玉泉啤酒厂大量酒款", vec!["玉泉啤酒厂"]),
            ("建成了镇南小学。", vec!["镇南小学"]),
            // Generic words, a pair of abbreviations, a province, a verb.
            ("到外国公司", vec![]),
            ("欧美银行对", vec![]),
            ("伊朗中部伊斯法罕省", vec![]),
            ("叙利亚阿勒颇省", vec![]),
            ("郭家庄办起印刷厂", vec![]),
            // One body for two proper words before its head.
            ("在上海城关纺纱厂", vec!["上海城关纺纱厂"]),
        ] {
            let mut names = Vec::new();
            proper_words_name_their_body(text, &mut names, &tokens(text));
            assert_eq!(shown_texts(text, &names), found, "{text}");
            assert!(names.iter().all(|n| n.kind == EntityKind::Organization));
        }
    }

    #[test]
    fn a_body_takes_in_its_scope() {
        for (text, body, found) in [
            ("本报讯国家质量技术监督局今天", "质量技术监督局", "国家质量技术监督局"),
            ("而国际游泳联合会规定", "联合会", "国际游泳联合会"),
            // Nothing but nouns between, and no scope word.
            ("国家有关部门和中国足协", "中国足协", "中国足协"),
            ("区委决定由区纪委牵头", "纪委", "纪委"),
        ] {
            let mut names = vec![model(text, body, EntityKind::Organization)];
            bodies_take_their_scope(text, &mut names, &tokens(text));
            assert_eq!(shown_texts(text, &names), [found], "{text}");
        }
    }

    #[test]
    fn a_body_takes_in_its_unit() {
        for (text, body, found) in [
            ("1956年考入中央美术学院附中，受过", "中央美术学院", "中央美术学院附中"),
            ("从辽宁大学生物系毕业的", "辽宁大学", "辽宁大学生物系"),
            // A word that only ends in 系, or no unit at all.
            ("符合布雷顿森林体系的要求", "布雷顿森林", "布雷顿森林"),
            ("与党组织联系上了", "党组织", "党组织"),
        ] {
            let mut names = vec![model(text, body, EntityKind::Organization)];
            bodies_take_their_units(text, &mut names, &tokens(text));
            assert_eq!(shown_texts(text, &names), [found], "{text}");
        }
    }
}
