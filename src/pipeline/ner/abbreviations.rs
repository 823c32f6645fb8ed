//! One-character place abbreviations: 中 and 美 in 中美关系, 华 in 访华, 日 in
//! 日方, 京 and 津 in 京津冀协同. Each is a LOCATION of its own (People's Daily
//! convention). The characters are common words too (中 "middle", 美
//! "beautiful", 日 "day"), so only three shapes count, and only when jieba
//! does not read the character as the start of a longer word (美国, 日本,
//! 华盛顿, 华东):
//!
//! - a series of two or more distinct abbreviations, all countries or all
//!   provinces, followed by a relation word (中美关系, 印巴两国, 港澳台地区);
//! - a country followed by 方, "side" (美方, 中方);
//! - a country jieba leaves as a word of its own, before a word for its
//!   leaders or government (俄总统, 叙政府, 韩经济);
//! - a visit verb followed by a country or city (访华, 来华, 在京, 赴港,
//!   进京), or a stance word (对华, 反美);
//! - a list of two or more abbreviations with 、 (转战赣、粤、闽、湘);
//! - a dictionary word jieba keeps whole that is a pair with 中 (中日, 中印),
//!   another listed pair (欧美, 港澳), or a word for the people or the
//!   capital of a place (华人, 华侨, 港胞, 台商, 台资): its place chars count;
//! - a province and a direction that jieba keeps as a place (皖南, 陕北, 豫东):
//!   the corpora label the province alone.

use std::sync::LazyLock;

use super::rules::text::CharSet;
use crate::pipeline::segment::Segment;
use crate::pipeline::types::{Entity, EntityKind, Source};

const COUNTRIES: &str =
    "中美日俄英法德意加澳奥韩朝越印巴以泰菲缅蒙哈乌埃伊叙黎沙欧亚非葡荷比瑞挪丹芬波匈捷希土墨古智秘阿新柬老";
const PROVINCES: &str = "京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川黔滇藏陕甘青宁港澳台";
/// Words after a series that make it a relation between places.
const RELATIONS: &str = "关系 两国 三国 四国 五国 两岸 同胞 双方 三方 之间 合作 贸易 友好 边境 边界 峰会 会谈 会晤 首脑 外长 联合 建交 战略 对话 经贸 等国 交流 谈判 和谈 协议 协定 领导人 元首 伙伴 条约 冲突 争端 两军 军事 安保 同盟 竞争 摩擦 比赛 对抗 之战 大战 两地 三地 地区 一体化 协同 高速 铁路 城际 友谊 文化 科技 青年 人民 议会 外交 防长 总理 总统 首相 政府 经济 投资 双边 三边 多边 互访 对峙 决赛";
/// Countries that take 方 ("side") or a [`HEADS`] word; directions and
/// common words (南方, 西方, 比方, 地方) are left out.
const SIDES: &str = "中美日俄英法德意加澳韩朝越印巴以泰菲缅蒙哈乌埃伊叙黎欧葡荷瑞挪丹芬波匈捷希土墨智柬";
/// Before 方, these make a word of their own (对方, 双方, 东方).
const NOT_BEFORE_SIDE: &str = "对双多一各甲乙丙东西南北地官军警资劳买卖校院厂来";
/// After 方, these make 方 part of another word (方面, 方案, 方向).
const NOT_AFTER_SIDE: &str = "面案向式法针便略位言圆舟程阵队块格剂形子";
/// Words for a country's leaders, government or state after its one-char
/// name (俄总统, 叙政府). Bodies with a name of their own (外交部, 国会) are
/// left out: the corpora label 俄外交部 as one organization.
const HEADS: [&str; 14] =
    ["总统", "总理", "首相", "外长", "防长", "元首", "领导人", "政府", "当局", "军方", "警方", "经济", "媒体", "舆论"];
/// Before a [`HEADS`] word these are mostly not a country: 中 a
/// preposition (会议中总理强调), 以 "by" (以总统名义).
const NOT_BEFORE_HEAD: &str = "中以";
const VISIT_VERBS: &str = "访来赴驻抵离侵抗旅留在返对反进晋回";
/// Places a visit verb takes as a one-char abbreviation.
const VISITED: &str = "华京沪港澳台美日俄欧英法德韩朝印越";
/// After 在 and 来 only the cities and China itself (在美 is rarer than
/// 在美国; 来日 is mostly "days to come").
const VISITED_NEAR: &str = "华京沪港澳台";
/// After 进, 晋 and 回 only the capitals (进京, 晋京, 回沪): 进港 is mostly a
/// ship entering port.
const ENTERED: &str = "京沪";

/// Pairs with 中 that are common words too (中意 "to like", 中巴 "minibus",
/// 中加 "add in", 中以 "in … by"): only before a relation word.
const NOT_PAIRS: [&str; 4] = ["中意", "中巴", "中加", "中以"];
/// Pairs without 中 that jieba keeps as one word (欧美, 港澳). Listed one by
/// one: most two-abbreviation words in jieba's dictionary are something
/// else (巴黎, 古巴, 辽宁, 非法, 美德, 以德).
const PAIRS: [&str; 30] = [
    "美中", "美日", "美俄", "美英", "美韩", "日美", "日俄", "日中", "俄美", "俄中", "英美", "英法", "英日", "欧美",
    "欧亚", "亚欧", "亚非", "韩美", "韩日", "韩朝", "印巴", "意中", "港澳", "港台", "台港", "京津", "京沪", "沪宁",
    "粤港", "闽台",
];
/// After a visited place these make a currency (对日元, 对美元).
const CURRENCY_AFTER: &str = "元币";
/// Words for the people or the capital of a place: the place char is a
/// LOCATION (华人, 台资).
const PEOPLE_OF: [&str; 12] =
    ["华人", "华侨", "华裔", "港胞", "台胞", "澳胞", "台商", "港商", "澳商", "台资", "港资", "澳资"];
/// Directions after a province (皖南, 豫东).
const DIRECTIONS: &str = "东南西北";
/// A province and a direction that name a place of their own (陕西, 台北
/// and 津南 are cities, provinces and districts; 京东 a company; 甘南 and
/// 黔南 prefectures), or that the corpora label whole (鲁西).
const NOT_PROVINCE_PARTS: [&str; 14] =
    ["陕西", "台北", "台南", "台东", "台西", "京东", "宁南", "宁北", "津南", "渝北", "甘南", "黔南", "黔东", "鲁西"];
/// In a list with 、 these are mostly "new" and "old" (新、老干部).
const NOT_LISTED: &str = "新老";

const CONFIDENCE: f32 = 0.85;

/// Every char of [`COUNTRIES`], [`PROVINCES`] and [`VISITED`] (华): most
/// text has none, and a bitset says so at once.
static ABBREVIATIONS: LazyLock<CharSet> =
    LazyLock::new(|| CharSet::new(COUNTRIES.chars().chain(PROVINCES.chars()).chain(VISITED.chars())));

/// The first chars of [`HEADS`].
static HEAD_FIRSTS: LazyLock<CharSet> = LazyLock::new(|| CharSet::new(HEADS.iter().filter_map(|h| h.chars().next())));
static COUNTRY_SET: LazyLock<CharSet> = LazyLock::new(|| CharSet::new(COUNTRIES.chars()));
static PROVINCE_SET: LazyLock<CharSet> = LazyLock::new(|| CharSet::new(PROVINCES.chars()));

pub(super) fn is_abbreviation(c: char) -> bool {
    ABBREVIATIONS.contains(c)
}

/// LOCATION entities for the abbreviations of `text` (sorted by start).
/// `segments` are jieba's tokens of `text`, in order.
pub fn find(text: &str, segments: &[Segment]) -> Vec<Entity> {
    // Sized by a count first: collecting char_indices would regrow the vector.
    let mut chars: Vec<(usize, char)> = Vec::with_capacity(text.chars().count());
    chars.extend(text.char_indices());
    let mut starts = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if !is_abbreviation(c) {
            i += 1;
            continue;
        }
        if let Some(end) = series_end(text, &chars, i) {
            starts.extend((i..end).filter(|&k| chars[k].1 != '、').map(|k| chars[k].0));
            i = end;
            continue;
        }
        let next = chars.get(i + 1).map(|x| x.1);
        let prev = i.checked_sub(1).map(|p| chars[p].1);
        let side = SIDES.contains(c)
            && next == Some('方')
            && !prev.is_some_and(|p| NOT_BEFORE_SIDE.contains(p))
            && !chars.get(i + 2).is_some_and(|x| NOT_AFTER_SIDE.contains(x.1));
        let visit = !next.is_some_and(|n| CURRENCY_AFTER.contains(n))
            && prev.is_some_and(|p| {
                VISIT_VERBS.contains(p)
                    && match p {
                        '在' | '来' => VISITED_NEAR.contains(c),
                        '进' | '晋' | '回' => ENTERED.contains(c),
                        _ => VISITED.contains(c),
                    }
            });
        if side || visit || before_head(text, segments, &chars, i) {
            starts.push(chars[i].0);
        }
        i += 1;
    }
    let mut starts: Vec<usize> = starts.into_iter().filter(|&at| stands_alone(text, segments, at)).collect();
    starts.extend(whole_words(text, segments));
    starts.sort_unstable();
    starts.dedup();
    starts
        .into_iter()
        .map(|at| {
            Entity::new(
                at..at + text[at..].chars().next().map_or(0, char::len_utf8),
                EntityKind::Location,
                CONFIDENCE,
                Source::Rule,
            )
        })
        .collect()
}

/// A [`HEADS`] word follows the country at char `i` (俄总统), and jieba's
/// token starts at the country and holds nothing else but that word: jieba
/// keeps 美国会 and 今日 whole, and those are no country abbreviation.
fn before_head(text: &str, segments: &[Segment], chars: &[(usize, char)], i: usize) -> bool {
    let (at, c) = chars[i];
    // Most chars after a country begin no HEADS word.
    let next = chars.get(i + 1).map_or(' ', |x| x.1);
    if !HEAD_FIRSTS.contains(next) || !SIDES.contains(c) || NOT_BEFORE_HEAD.contains(c) {
        return false;
    }
    let end = at + c.len_utf8();
    let Some(head) = HEADS.iter().find(|h| text[end..].starts_with(**h)) else {
        return false;
    };
    let k = segments.partition_point(|s| s.span.start < at);
    segments.get(k).is_some_and(|s| s.span.start == at && (s.span.end == end || s.span.end == end + head.len()))
}

/// Starts of the place chars in jieba tokens that are a pair with 中
/// (中日), a listed pair (欧美) or words for a place's people (华人, 港胞,
/// 华人华侨).
fn whole_words(text: &str, segments: &[Segment]) -> Vec<usize> {
    let mut out = Vec::new();
    for token in segments {
        let Some(word) = text.get(token.span.clone()) else { continue };
        let mut chars = word.chars();
        let (Some(first), Some(second)) = (chars.next(), chars.next()) else { continue };
        if !is_abbreviation(first) {
            continue; // every pair and people word begins with one
        }
        let with_china = first == '中' && second != '中' && COUNTRY_SET.contains(second) && !NOT_PAIRS.contains(&word);
        if (with_china || PAIRS.contains(&word)) && chars.next().is_none() {
            out.extend([token.span.start, token.span.start + first.len_utf8()]);
            continue;
        }
        if token.pos == "ns" && is_province_part(word) {
            out.push(token.span.start);
            continue;
        }
        // Every word of PEOPLE_OF is two 3-byte chars.
        let peoples = word.len() % 6 == 0
            && (0..word.len()).step_by(6).all(|k| word.get(k..k + 6).is_some_and(|w| PEOPLE_OF.contains(&w)));
        if peoples {
            out.extend((0..word.len()).step_by(6).map(|k| token.span.start + k));
        }
    }
    out
}

/// If a series of abbreviations starts at char `i` and a relation word
/// follows it (or it is a list with 、), the char index one past the series.
fn series_end(text: &str, chars: &[(usize, char)], i: usize) -> Option<usize> {
    let first = chars[i].1;
    let group: &CharSet = if COUNTRY_SET.contains(first) {
        &COUNTRY_SET
    } else if PROVINCE_SET.contains(first) {
        &PROVINCE_SET
    } else {
        return None;
    };
    // Most abbreviation chars are no series at all (中 in 其中): say so at once.
    let next = chars.get(i + 1).map_or(' ', |x| x.1);
    if next != '、' && !group.contains(next) {
        return None;
    }
    const MAX: usize = 5;
    let mut seen = [first; MAX];
    let mut count = 1;
    let mut end = i + 1;
    while end < chars.len() && count < MAX {
        let c = chars[end].1;
        let after_comma = c == '、' && chars.get(end + 1).is_some_and(|x| group.contains(x.1));
        if after_comma {
            end += 1;
            continue;
        }
        if !group.contains(c) || seen[..count].contains(&c) {
            break;
        }
        seen[count] = c;
        count += 1;
        end += 1;
    }
    let seen = &seen[..count];
    let rest = &text[chars.get(end).map_or(text.len(), |x| x.0)..];
    // A list alternates one char and 、 (赣、粤、闽): 朝、蒙古 is none.
    let listed = (end - i) % 2 == 1
        && chars[i..end].iter().skip(1).step_by(2).all(|x| x.1 == '、')
        && !seen.iter().any(|c| NOT_LISTED.contains(*c));
    (seen.len() >= 2 && (listed || RELATIONS.split(' ').any(|r| rest.starts_with(r)))).then_some(end)
}

/// The jieba token holding the char at byte `at` does not make it part of
/// a longer word: the token began before the char (来华访问, 中美) and is no
/// idiom (来日方长), or it begins with the char and what follows is only more
/// abbreviations, 、 or 方, then perhaps a relation word (中美关系 passes;
/// 美国, 华东, 中美洲 do not).
fn stands_alone(text: &str, segments: &[Segment], at: usize) -> bool {
    let k = segments.partition_point(|s| s.span.start <= at);
    let Some(token) = k.checked_sub(1).map(|k| &segments[k]) else {
        return true;
    };
    if token.span.end <= at || token.span.end > text.len() {
        return true;
    }
    if matches!(token.pos, "i" | "l") {
        return false;
    }
    if token.span.start < at {
        return true;
    }
    let c_len = text[at..].chars().next().map_or(1, char::len_utf8);
    let rest = text[at + c_len..token.span.end].trim_start_matches(|c| is_abbreviation(c) || c == '、' || c == '方');
    rest.is_empty() || RELATIONS.split(' ').any(|r| r == rest)
}

/// A province and a direction (皖南, 豫东), not a name of its own.
fn is_province_part(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next(), chars.next()),
        (Some(p), Some(d), None) if PROVINCE_SET.contains(p) && DIRECTIONS.contains(d))
        && !NOT_PROVINCE_PARTS.contains(&word)
}

/// A model entity that only covers abbreviations the rule split (the model
/// read 中美 as one place), or a province and a direction (豫东), gives way
/// to them. `abbreviations` are sorted, as
/// [`find`] returns them (a binary search: a text of nothing but 中美关系
/// stays linear).
pub fn superseded(text: &str, entity: &Entity, abbreviations: &[Entity]) -> bool {
    let k = abbreviations.partition_point(|a| a.span.end <= entity.span.start);
    entity.kind == EntityKind::Location
        && abbreviations.get(k).is_some_and(|a| a.span.start < entity.span.end)
        && text
            .get(entity.span.clone())
            .is_some_and(|t| t.chars().all(|c| is_abbreviation(c) || c == '、') || is_province_part(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::ner::tests::tokens;

    fn places(text: &str) -> Vec<String> {
        find(text, &tokens(text)).into_iter().map(|e| text[e.span].to_string()).collect()
    }

    #[test]
    fn series_before_a_relation_word() {
        assert_eq!(places("中美关系继续发展"), ["中", "美"]);
        assert_eq!(places("印巴两国实行停火"), ["印", "巴"]);
        assert_eq!(places("推动京津冀协同发展"), ["京", "津", "冀"]);
        assert_eq!(places("英、德、法三国外长"), ["英", "德", "法"]);
    }

    #[test]
    fn sides_and_visits() {
        assert_eq!(places("美方正加紧与中方磋商"), ["美", "中"]);
        assert_eq!(places("卡尔波夫将再度来华访问"), ["华"]);
        assert_eq!(places("李鹏总理在京会见了外宾"), ["京"]);
    }

    #[test]
    fn countries_before_their_leaders_and_government() {
        assert_eq!(places("正因为俄总统与国家杜马关系紧张"), ["俄"]);
        assert_eq!(places("抵达后立即与叙总统会谈"), ["叙"]);
        assert_eq!(places("韩政府宣布"), ["韩"]);
    }

    #[test]
    fn stances_lists_pairs_and_peoples() {
        assert_eq!(places("发展对华关系"), ["华"]);
        assert_eq!(places("掀起反华浪潮"), ["华"]);
        assert_eq!(places("转战赣、粤、闽、湘，经过"), ["赣", "粤", "闽", "湘"]);
        assert_eq!(places("翻阅了中、英、德、法不同语种"), ["中", "英", "德", "法"]);
        assert_eq!(places("26年前，中日实现了邦交正常化"), ["中", "日"]);
        assert_eq!(places("已有不少在欧美工作的学者"), ["欧", "美"]);
        assert_eq!(places("为了满足港澳同胞的愿望"), ["港", "澳"]);
        assert_eq!(places("对未来10年奥中关系的发展"), ["奥", "中"]);
        assert_eq!(places("160多位华人华侨代表"), ["华", "华"]);
        assert_eq!(places("百名港胞平安飞离"), ["港"]);
        assert_eq!(places("维护台商的一切正当权益"), ["台"]);
        assert_eq!(places("从外地进京购物"), ["京"]);
    }

    #[test]
    fn a_province_and_a_direction_is_the_province() {
        assert_eq!(places("地处皖南丘陵"), ["皖"]);
        assert_eq!(places("最近，豫东一些菜农"), ["豫"]);
        // Cities and provinces of their own.
        assert!(places("陕西省和台北市").is_empty());
    }

    #[test]
    fn common_words_and_full_names_are_left_alone() {
        for text in [
            "他在美国工作",
            "在日本东京",
            "中国与印尼",
            "双方同意",
            "这方面的工作",
            "在华盛顿举行",
            "美丽的中华",
            "中美洲国家",
            "他在华东工作",
            "来日方长",
            "美元对日元的汇价",
            "辽朝、金朝、蒙古",
            "货轮进港卸货",
            "比赛中以2∶3落败",
            "新、老干部",
            "这个方案很中意",
            "会议中总理强调",
            "以总统特使身份",
            "长骆家辉对美国会中目前存在的",
            "今日政府工作报告",
            "美国总统",
            "在巴黎举行",
            "古巴和蒙古",
            "以德治国",
        ] {
            assert!(places(text).is_empty(), "{text}: {:?}", places(text));
        }
    }
}
