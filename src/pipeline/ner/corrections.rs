//! Corrections of the statistical model's names where its reading is
//! known to go wrong in news text: a lone surname, a hall taken for an
//! organization, a road or district taken for a person, a word of a policy phrase taken
//! for a name.

use std::sync::LazyLock;

use super::model::gazetteer::{Gazetteer, KNOWN_LISTS, KNOWN_PERSONS};
use super::rules::text::CharSet;
use super::{model, surnames};
use crate::pipeline::policy::PhraseItems;
use crate::pipeline::types::{Entity, EntityKind, Span};

/// Applies every correction to the model's `names` (sorted, non-overlapping);
/// `rules` are the rule entities of the same text and `phrases` its policy
/// phrases, both sorted by start; `items` are the items of the lexicon's
/// numbered formulas; `gazetteer` is the model's.
pub(super) fn correct(
    text: &str,
    names: &mut Vec<Entity>,
    rules: &[Entity],
    phrases: &[Span],
    items: &PhraseItems,
    gazetteer: &Gazetteer,
) {
    trim_stray_marks(text, names);
    surname_with_suffix(text, names);
    authors_lose_their_verb(text, names);
    bodies_lose_the_verb_they_start(text, names);
    regnal_numbers_join_the_name(text, names);
    mend_one_char_persons(text, names, rules);
    complete_names_before_speech(text, names, rules);
    drop_repeated_last_char(text, names, gazetteer);
    venues_are_places(text, names);
    facilities_are_places(text, names);
    facilities_take_their_place(text, names);
    split_chained_divisions(text, names);
    places_are_no_persons(text, names);
    drop_numbered_one_char_places(text, names);
    names_meet_phrases_whole(text, names, phrases, gazetteer);
    drop_generic_bodies(text, names, phrases);
    drop_phrase_items(text, names, items, gazetteer);
}

/// What a numbered formula stands for is mostly a goal, not a body:
/// 国际经济中心 and 国际航运中心 of the 五个中心 (提升国际经济中心地位),
/// which jieba's tagger and the model take for organizations. Items that
/// are known names stay (嘉定 and 松江 of the 五个新城, 中国共产党), and only
/// the item as written goes: with a place before it, it can be a real name
/// (中国国际贸易中心).
fn drop_phrase_items(text: &str, names: &mut Vec<Entity>, items: &PhraseItems, gazetteer: &Gazetteer) {
    names.retain(|n| {
        text.get(n.span.clone()).is_none_or(|name| !items.contains(name) || gazetteer.lists_of(name) & KNOWN_LISTS != 0)
    });
}

/// Words for a kind of body or place, not a name of one (公司, 医院, 党委,
/// 中队; 图书馆, 市区, 山区). The training corpora leave them unlabelled where
/// they stand alone (公司: 124 times unlabelled and part of no name, 7 times
/// an organization; 政府 337 and 0; 图书馆 16 and 0), yet the model sometimes
/// reads one as a name (海关 5 and 0, 中心组 3 and 0: the study group of a
/// party committee; 戈壁 8 and 0; 军队 20 and 0, 公安 29 and 0, 法院 9 and 1,
/// 市政府 13 and 0, 县政府 6 and 0, 省政府 5 and 0 in PD dev, MSRA and the
/// training half of PD test). Words the corpora label about as often as not (县委,
/// 办事处, 议会, 特区) are not here.
#[rustfmt::skip]
const GENERIC_BODIES: [&str; 40] = [
    "党委", "党组", "医院", "公司", "部队", "中心", "政府", "学校", "大学", "银行", "工厂", "集团", "协会", "委员会",
    "俱乐部", "球队", "出版社", "电视台", "商店", "大队", "中队", "党校", "研究所", "居委会", "总局", "交警队", "本社",
    "集团公司", "大会", "海关", "中心组", "信用社", "农村信用社", "考察团", "军队", "公安", "法院", "市政府", "县政府",
    "省政府",
];
#[rustfmt::skip]
const GENERIC_PLACES: [&str; 17] = [
    "图书馆", "小城镇", "城区", "老城区", "名城", "南郊", "开发区", "市区", "郊区", "山区", "库区", "老区", "边疆",
    "沿海", "内地", "戈壁", "共和国",
];

/// A model organization or place that is nothing but a word of
/// [`GENERIC_BODIES`] or [`GENERIC_PLACES`] goes, unless quotes make the word
/// a short name (在“中心”的引导下) — and it goes even then when one of the
/// text's policy `phrases` ends in it: the quotes then point back to the
/// phrase (“五个中心”… 对每个“中心”建设), not to a body.
fn drop_generic_bodies(text: &str, names: &mut Vec<Entity>, phrases: &[Span]) {
    names.retain(|n| {
        let word = &&text[n.span.clone()];
        let quoted = text[..n.span.start].ends_with('“')
            && text[n.span.end..].starts_with('”')
            && !phrases.iter().any(|p| text.get(p.clone()).is_some_and(|phrase| phrase.ends_with(*word)));
        let generic = match n.kind {
            EntityKind::Organization => GENERIC_BODIES.contains(word),
            EntityKind::Location => GENERIC_PLACES.contains(word),
            _ => false,
        };
        quoted || !generic
    });
}

/// Quote and title marks, each with its closing mark.
const MARK_PAIRS: [(char, char); 6] = [('《', '》'), ('“', '”'), ('「', '」'), ('（', '）'), ('(', ')'), ('〈', '〉')];

fn is_mark(c: char) -> bool {
    MARK_PAIRS.iter().any(|&(open, close)| c == open || c == close)
}

/// The marks of `name` that no other mark of it pairs with: closing marks
/// with no opening one before them, and opening marks left open at the end.
fn unpaired_marks(name: &str) -> (Vec<char>, Vec<char>) {
    let (mut closers, mut open) = (Vec::new(), Vec::new());
    for c in name.chars() {
        if let Some(&(_, close)) = MARK_PAIRS.iter().find(|p| p.0 == c) {
            open.push(close);
        } else if is_mark(c) && open.last() == Some(&c) {
            open.pop();
        } else if is_mark(c) {
            closers.push(c);
        }
    }
    (closers, open)
}

/// The model reads marks as plain chars, so a name can run over a quote or
/// title mark it does not close. Where the text closes it right next to the
/// name, the name takes that mark in (“红双喜”公司, like the corpora's
/// “和平”号空间站); a name then wrapped whole in marks loses them (人民日报》
/// and “防汛救灾领导小组 become 人民日报 and 防汛救灾领导小组). A name whose
/// marks still do not pair, or that ends in a mark, keeps its longest
/// stretch without marks, the first of equals (石油输出国组织（欧佩克）).
fn trim_stray_marks(text: &str, names: &mut Vec<Entity>) {
    names.retain_mut(|e| {
        let Some(name) = text.get(e.span.clone()) else { return true };
        if !name.contains(is_mark) {
            return true;
        }
        let (closers, open) = unpaired_marks(name);
        let opener = |close: char| MARK_PAIRS.iter().find(|p| p.1 == close).map(|p| p.0);
        if let Some(&first) = closers.first() {
            let before = text[..e.span.start].chars().next_back();
            if closers.len() == 1 && before.is_some_and(|b| Some(b) == opener(first)) {
                e.span.start -= before.map_or(0, char::len_utf8);
            }
        }
        if let &[close] = open.as_slice()
            && text[e.span.end..].starts_with(close)
        {
            e.span.end += close.len_utf8();
        }
        let name = &text[e.span.clone()];
        let (closers, open) = unpaired_marks(name);
        let first = name.chars().next().unwrap_or(' ');
        let last = name.chars().next_back().unwrap_or(' ');
        let wrapped = MARK_PAIRS.contains(&(first, last))
            && unpaired_marks(&name[first.len_utf8()..name.len() - last.len_utf8()]) == (vec![], vec![]);
        if wrapped {
            e.span = e.span.start + first.len_utf8()..e.span.end - last.len_utf8();
            return !e.span.is_empty();
        }
        if closers.is_empty() && open.is_empty() && !is_mark(last) {
            return true;
        }
        let mut best = 0..0;
        let mut from = 0;
        for (i, c) in name.char_indices().chain([(name.len(), '》')]) {
            if is_mark(c) {
                if i - from > best.len() {
                    best = from..i;
                }
                from = i + c.len_utf8();
            }
        }
        e.span = e.span.start + best.start..e.span.start + best.end;
        !best.is_empty()
    });
}

/// 中 in 二十届二中、三中全会 is an ordinal plenum, not a place: a one-char
/// place between a numeral and 全会 (or a 、 and the next numeral). 一中一台
/// keeps its places.
fn drop_numbered_one_char_places(text: &str, names: &mut Vec<Entity>) {
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    names.retain(|e| {
        let one_char = text.get(e.span.clone()).is_some_and(|t| t.chars().count() == 1);
        let after_numeral = text[..e.span.start].chars().next_back().is_some_and(numeral);
        let after = &text[e.span.end..];
        let plenum = after.starts_with("全会") || after.strip_prefix('、').is_some_and(|a| a.starts_with(numeral));
        !(e.kind == EntityKind::Location && one_char && after_numeral && plenum)
    });
}

/// A policy phrase is never a name (the lexicon holds none), and inside one
/// the model guesses at words it rarely saw: 中心 in 五个中心, 城中村 in
/// 城中村改造, 崇德 in 学史崇德. A model name within a phrase stays only when
/// two lists vouch for it with the model's type: jieba's dictionary and the
/// known names (curated and the corpora's), as for 中国, 上海 and 长三角; each
/// alone is too noisy (jieba has 城中村 as a place and 崇德 as a person, a
/// corpus labels 中心). A person on the known list needs no more (习近平 in
/// 习近平新时代中国特色社会主义思想). A name that runs into a phrase from outside
/// (上海|科创中心) keeps its part outside the phrase, if jieba lists that part
/// as a name, with the type it lists; a name that goes on after a whole
/// phrase stays (伟大建党精神研究中心). `names` and `phrases` are sorted by start.
fn names_meet_phrases_whole(text: &str, names: &mut Vec<Entity>, phrases: &[Span], gazetteer: &Gazetteer) {
    if phrases.is_empty() {
        return;
    }
    let mut next = 0;
    names.retain_mut(|e| {
        while next < phrases.len() && phrases[next].end <= e.span.start {
            next += 1;
        }
        let Some(p) = phrases.get(next).filter(|p| p.start < e.span.end) else {
            return true;
        };
        if p.start <= e.span.start && e.span.end <= p.end {
            return text.get(e.span.clone()).is_some_and(|name| vouched_as(gazetteer.lists_of(name), e.kind));
        }
        if e.span.start <= p.start && p.end < e.span.end {
            return true; // a body named after a phrase (伟大建党精神研究中心)
        }
        // Crossing an edge of the phrase: the part before it, else the part after.
        e.span = if e.span.start < p.start { e.span.start..p.start } else { p.end..e.span.end };
        match text.get(e.span.clone()).and_then(|part| jieba_kind(gazetteer.lists_of(part))) {
            Some(kind) => {
                e.kind = kind;
                true
            }
            None => false,
        }
    });
}

/// Whether the list bits of a name (see [`Gazetteer::lists_of`]) vouch for it
/// as a `kind` inside a phrase: the known list and jieba's list of that type,
/// or for a person the known list alone.
fn vouched_as(lists: u8, kind: EntityKind) -> bool {
    let Some(known) = list_bit(kind) else { return false };
    let jieba = known << 3;
    lists & known != 0 && (lists & jieba != 0 || kind == EntityKind::Person)
}

/// The known-names list bit of a kind (see [`Gazetteer::lists_of`]); jieba's
/// list of the kind is three bits up.
pub(super) fn list_bit(kind: EntityKind) -> Option<u8> {
    match kind {
        EntityKind::Person => Some(KNOWN_PERSONS),
        EntityKind::Location => Some(KNOWN_PERSONS << 1),
        EntityKind::Organization => Some(KNOWN_PERSONS << 2),
        _ => None,
    }
}

/// The type jieba's dictionary gives a name (place first, then body, then person).
fn jieba_kind(lists: u8) -> Option<EntityKind> {
    [EntityKind::Location, EntityKind::Organization, EntityKind::Person]
        .into_iter()
        .find(|&k| list_bit(k).is_some_and(|known| lists & (known << 3) != 0))
}

/// 刘某, 徐氏, 胡老 (an elder), 李先生: the news corpora label the surname
/// alone, without the honorific the model reads into the name.
fn surname_with_suffix(text: &str, names: &mut [Entity]) {
    for e in names.iter_mut().filter(|e| e.kind == EntityKind::Person) {
        let Some(name) = text.get(e.span.clone()) else { continue };
        let Some(surname) = name.chars().next().filter(|&c| surnames::is_common_surname(c)) else { continue };
        if surnames::HONORIFICS.contains(&&name[surname.len_utf8()..]) {
            e.span.end = e.span.start + surname.len_utf8();
        }
    }
}

/// 赵振宇著, 李松梅译, 袁婧摄: a book's author or translator, or a photo's
/// photographer (news credit lines: 本报记者 袁婧摄), with the verb written
/// right after the name; the model takes the verb into the name. No person
/// of the training corpora ends in one of these chars.
fn authors_lose_their_verb(text: &str, names: &mut [Entity]) {
    for e in names.iter_mut().filter(|e| e.kind == EntityKind::Person) {
        let Some(name) = text.get(e.span.clone()) else { continue };
        if let Some(rest) = name.strip_suffix(['著', '译', '摄']).filter(|rest| rest.chars().count() >= 2) {
            e.span.end = e.span.start + rest.len();
        }
    }
}

/// Verbs that begin with the char a body's name ends with: 按照市委部署 is
/// 市委 + 部署 ("as the city committee arranged"), never a 市委部. The corpora
/// never end a name inside one.
const VERBS_AFTER_BODIES: [&str; 1] = ["部署"];

/// A model organization or place that runs into a [`VERBS_AFTER_BODIES`]
/// verb, whole or its first char, gives it back (市委部署 or 市委部|署 → 市委).
fn bodies_lose_the_verb_they_start(text: &str, names: &mut Vec<Entity>) {
    names.retain_mut(|e| {
        if e.kind == EntityKind::Person {
            return true;
        }
        let Some(name) = text.get(e.span.clone()) else { return true };
        // The verb (two chars) starts one or two chars before the name ends.
        let verb_start = name
            .char_indices()
            .rev()
            .take(2)
            .map(|(i, _)| e.span.start + i)
            .find(|&at| VERBS_AFTER_BODIES.iter().any(|v| text[at..].starts_with(v) && at + v.len() >= e.span.end));
        let Some(at) = verb_start else { return true };
        e.span.end = at;
        !e.span.is_empty()
    });
}

/// 伊丽莎白二世, 查尔斯三世, 哈桑二世: a monarch's or pope's number is part of
/// the name, as the corpora label it; the model stops before it. A model
/// person right before a Chinese numeral and 世 (not 世纪, 世界) takes them in.
fn regnal_numbers_join_the_name(text: &str, names: &mut [Entity]) {
    for k in 0..names.len() {
        if names[k].kind != EntityKind::Person {
            continue;
        }
        let after = &text[names[k].span.end..];
        let numeral = after.find(|c: char| !"一二三四五六七八九十".contains(c)).unwrap_or(after.len());
        let rest = &after[numeral..];
        // 世纪 is a century, 世界 the world, 世代 generations.
        if numeral == 0 || !rest.starts_with('世') || rest['世'.len_utf8()..].starts_with(['纪', '界', '代']) {
            continue;
        }
        let end = names[k].span.end + numeral + '世'.len_utf8();
        if names.get(k + 1).is_none_or(|n| n.span.start >= end) {
            names[k].span.end = end;
        }
    }
}

/// Verbs that report what a person said, right after the name.
const SPEECH_VERBS: [&str; 6] = ["说", "表示", "指出", "介绍", "强调", "认为"];
/// Adverbs that stand between a name and its speech verb (李强也说).
const ADVERBS_BEFORE_SPEECH: &str = "也还又就都再才则更亦曾已便却并仍均早先";

/// After a title and before a speech verb, a news text names a person in
/// full. A two-char person there that stops one char short of the verb lost
/// a given name's third char that jieba took for an adverb (院长姜育|刚说).
/// `rules` are sorted by start.
fn complete_names_before_speech(text: &str, names: &mut [Entity], rules: &[Entity]) {
    // Positions never overlap each other: sorted by start, their ends are sorted too.
    let title_ends: Vec<usize> = rules.iter().filter(|r| r.kind == EntityKind::Position).map(|r| r.span.end).collect();
    let starts: Vec<usize> = names.iter().map(|n| n.span.start).collect();
    for e in names.iter_mut().filter(|e| e.kind == EntityKind::Person) {
        let Some(name) = text.get(e.span.clone()) else { continue };
        let mut after = text[e.span.end..].chars();
        let Some(third) = after.next() else { continue };
        let rest = after.as_str();
        if name.chars().count() == 2
            && model::features::is_han(third)
            && !ADVERBS_BEFORE_SPEECH.contains(third)
            && SPEECH_VERBS.iter().any(|v| rest.starts_with(v))
            && title_ends.binary_search(&e.span.start).is_ok()
            && starts.binary_search(&e.span.end).is_err()
        {
            e.span.end += third.len_utf8();
        }
    }
}

/// A page break that repeats the char before it (习近平 / 平总书记) leaves a
/// known name with its last char doubled. A person whose name less its last
/// char is a listed person, while the whole is not, loses the repeat.
fn drop_repeated_last_char(text: &str, names: &mut [Entity], gazetteer: &Gazetteer) {
    for e in names.iter_mut().filter(|e| e.kind == EntityKind::Person) {
        let Some(name) = text.get(e.span.clone()) else { continue };
        let mut chars = name.chars().rev();
        let (Some(last), Some(before)) = (chars.next(), chars.next()) else { continue };
        let shorter = &name[..name.len() - last.len_utf8()];
        if last == before
            && shorter.chars().count() >= 3
            && gazetteer.lists_of(shorter) & KNOWN_PERSONS != 0
            && gazetteer.lists_of(name) == 0
        {
            e.span.end -= last.len_utf8();
        }
    }
}

/// Halls and centres: in 在…举行 they are where it happens (世博中心).
/// Universities, hotels and embassies stay organizations there, as the
/// news corpora label them (在白宫举行, 在钓鱼台国宾馆举行).
const VENUE_SUFFIXES: [&str; 9] = ["中心", "会堂", "礼堂", "广场", "大厦", "剧院", "展览馆", "体育馆", "体育场"];
const HELD_AFTER: [&str; 6] = ["举行", "召开", "举办", "开幕", "闭幕", "隆重"];

/// The model reads venues as organizations (世博中心 as a 中心): a hall or
/// centre in 在…举行 is a LOCATION.
fn venues_are_places(text: &str, names: &mut [Entity]) {
    for e in names.iter_mut().filter(|e| e.kind == EntityKind::Organization) {
        let (Some(name), Some(before), Some(after)) =
            (text.get(e.span.clone()), text.get(..e.span.start), text.get(e.span.end..))
        else {
            continue;
        };
        if VENUE_SUFFIXES.iter().any(|s| name.ends_with(s))
            && before.ends_with('在')
            && HELD_AFTER.iter().any(|w| after.starts_with(w))
        {
            e.kind = EntityKind::Location;
        }
    }
}

/// Words that end the name of a facility, which the news corpora label as a
/// place every time (德黑兰机场, 虹口体育馆, 上海博物馆, 人民大会堂): hospitals,
/// schools and hotels are organizations there, and are not listed.
const FACILITY_SUFFIXES: &str = "机场 体育馆 体育场 火车站 大桥 隧道 植物园 动物园 公园 广场 博物馆 纪念馆 展览馆 \
     美术馆 图书馆 会堂 纪念堂 大厦 寺";

/// First and last chars of [`FACILITY_SUFFIXES`]: most names and the text
/// after them fail these at once.
static FACILITY_FIRSTS: LazyLock<CharSet> =
    LazyLock::new(|| CharSet::new(FACILITY_SUFFIXES.split_whitespace().filter_map(|s| s.chars().next())));
static FACILITY_LASTS: LazyLock<CharSet> =
    LazyLock::new(|| CharSet::new(FACILITY_SUFFIXES.split_whitespace().filter_map(|s| s.chars().next_back())));

/// The facility word `text` begins with.
fn facility_suffix(text: &str) -> Option<&'static str> {
    if !text.chars().next().is_some_and(|c| FACILITY_FIRSTS.contains(c)) {
        return None;
    }
    FACILITY_SUFFIXES.split_whitespace().find(|s| text.starts_with(s))
}

/// A model organization or person whose name ends in a facility word is
/// the facility, a place (南非国家博物馆). 剧院 is not listed: the corpora
/// label a theatre either way.
fn facilities_are_places(text: &str, names: &mut [Entity]) {
    for e in names.iter_mut().filter(|e| matches!(e.kind, EntityKind::Organization | EntityKind::Person)) {
        let Some(name) = text.get(e.span.clone()) else { continue };
        let ends_in_facility = name.chars().next_back().is_some_and(|c| FACILITY_LASTS.contains(c))
            && FACILITY_SUFFIXES.split_whitespace().any(|s| name.len() > s.len() && name.ends_with(s));
        if ends_in_facility {
            e.kind = EntityKind::Location;
        }
    }
}

/// A model place written right before a facility word (德黑兰|机场) is the
/// facility's name: the place takes the word in, unless a model name
/// starts there.
fn facilities_take_their_place(text: &str, names: &mut [Entity]) {
    for k in 0..names.len() {
        let e = &names[k];
        if e.kind != EntityKind::Location {
            continue;
        }
        let after = &text[e.span.end..];
        let Some(suffix) = facility_suffix(after) else { continue };
        let end = e.span.end + suffix.len();
        if names.get(k + 1).is_some_and(|n| n.span.start < end) {
            continue;
        }
        names[k].span.end = end;
    }
}

/// Chars that end the name of an administrative division.
const DIVISION_ENDS: &str = "省市县区乡镇村州";
/// Those after which a place is cut (州 ends 苏州 and 杭州 too: 苏州新区).
pub(super) const DIVISION_CUTS: &str = "省市县区乡镇";

/// A division written before the division inside it (营口市鲅鱼圈区, 利津县罗镇乡)
/// is two places in the news corpora, and so is a province before a city or
/// county in it (江苏泰兴市): such a model place is cut in two. Other places
/// with a division inside stay whole (重庆市人民大会堂, 苏州新区, 吉林市).
fn split_chained_divisions(text: &str, names: &mut Vec<Entity>) {
    let cut_of = |e: &Entity| {
        text.get(e.span.clone())
            .filter(|name| e.kind == EntityKind::Location && name.ends_with(|c| DIVISION_ENDS.contains(c)))
            .and_then(|name| inner_division_end(name).or_else(|| province_before_city(name)))
            .map(|len| e.span.start + len)
    };
    if !names.iter().any(|e| cut_of(e).is_some()) {
        return; // most texts: nothing to cut, nothing to copy
    }
    let mut out = Vec::with_capacity(names.len() + 1);
    for e in names.drain(..) {
        match cut_of(&e) {
            Some(at) => {
                out.push(Entity { span: e.span.start..at, ..e.clone() });
                out.push(Entity { span: at..e.span.end, ..e });
            }
            None => out.push(e),
        }
    }
    *names = out;
}

/// Where the first inner division of `name` ends (bytes), if `name` ends in
/// a division char and the inner one has two chars or more before it and
/// three or more after (营口市|鲅鱼圈区; 苏州新区 stays whole).
fn inner_division_end(name: &str) -> Option<usize> {
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    if chars.len() < 5 || !chars.last().is_some_and(|&(_, c)| DIVISION_ENDS.contains(c)) {
        return None;
    }
    (1..chars.len() - 3).find(|&k| DIVISION_CUTS.contains(chars[k].1)).map(|k| chars[k + 1].0)
}

/// Provinces and province-level cities, by the name written without 省 or 市.
const PROVINCES: &str = "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 \
     四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门";

/// A province written without 省 before a city or county (江苏|泰兴市,
/// 山东|莒县): the byte length of the province. 吉林市 is one place.
fn province_before_city(name: &str) -> Option<usize> {
    if !name.ends_with(['市', '县']) {
        return None;
    }
    let province = PROVINCES.split_whitespace().find(|p| name.starts_with(p))?;
    let rest = &name[province.len()..];
    (rest.chars().count() >= 2 && rest.ends_with(['市', '县'])).then_some(province.len())
}

/// Roads, districts, counties and provinces the model takes for people
/// (杨高南路, 徐汇区, 莱克伍德县): no person of the corpora has a name of three
/// or more chars that ends so. 市, 乡 and 镇 are left out: 村山富市, 曾湘乡.
const PLACE_SUFFIXES: [&str; 7] = ["路", "大道", "大街", "公路", "区", "县", "省"];

fn places_are_no_persons(text: &str, names: &mut [Entity]) {
    for e in names.iter_mut().filter(|e| e.kind == EntityKind::Person) {
        let Some(name) = text.get(e.span.clone()) else { continue };
        if name.chars().count() >= 3 && PLACE_SUFFIXES.iter().any(|s| name.ends_with(s)) {
            e.kind = EntityKind::Location;
        }
    }
}

/// A one-char PERSON from the model is a surname. With a short name of
/// another type right after it, the model split a full name (刘|燕京 →
/// 刘燕京); after 老/小, or before an honorific or a POSITION found by the
/// rules (`rules`, sorted by start), it names a person as written (老张,
/// 吴先生, 汤局长); anywhere else it is a misreading and goes.
fn mend_one_char_persons(text: &str, names: &mut Vec<Entity>, rules: &[Entity]) {
    let one_char = |e: &Entity| text.get(e.span.clone()).is_some_and(|t| t.chars().count() == 1);
    let mut out: Vec<Entity> = Vec::with_capacity(names.len());
    let mut i = 0;
    while i < names.len() {
        let e = &names[i];
        if e.kind != EntityKind::Person || !one_char(e) {
            out.push(e.clone());
            i += 1;
            continue;
        }
        let next = names.get(i + 1).filter(|n| {
            n.span.start == e.span.end
                && text
                    .get(n.span.clone())
                    .is_some_and(|t| (1..=2).contains(&t.chars().count()) && t.chars().all(model::features::is_han))
        });
        if let Some(given) = next {
            out.push(Entity { span: e.span.start..given.span.end, ..e.clone() });
            i += 2;
            continue;
        }
        if surnames::names_a_person(text, &e.span, rules) {
            out.push(e.clone());
        }
        i += 1;
    }
    *names = out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::ner::tests::{model, shown, shown_texts};

    #[test]
    fn a_word_for_a_kind_of_body_is_no_name_unless_quoted() {
        for (text, word, kept) in [
            ("公司的员工都称赞总经理", "公司", false),
            ("对中心组学习情况的考核", "中心组", false),
            ("在“中心”的引导下", "中心", true),
            ("上海交通大学", "上海交通大学", true),
        ] {
            let mut names = vec![model(text, word, EntityKind::Organization)];
            drop_generic_bodies(text, &mut names, &[]);
            assert_eq!(names.len(), kept as usize, "{text}");
        }
        let text = "包括图书馆、档案馆";
        let mut names = vec![model(text, "图书馆", EntityKind::Location)];
        drop_generic_bodies(text, &mut names, &[]);
        assert!(names.is_empty());
        // Quotes that point back to a policy phrase (五个中心) make no name.
        let text = "对“五个中心”建设提要求，对每个“中心”建设提出新的目标";
        let start = text.find("五个中心").unwrap();
        let phrases: Vec<Span> = std::iter::once(start..start + "五个中心".len()).collect();
        let quoted = text.rfind("中心").unwrap();
        let mut names = vec![model(text, "中心", EntityKind::Organization)];
        names[0].span = quoted..quoted + "中心".len();
        drop_generic_bodies(text, &mut names, &phrases);
        assert!(names.is_empty());
    }

    #[test]
    fn an_item_of_a_numbered_formula_is_no_name() {
        let items: PhraseItems = ["国际经济中心", "国际航运中心", "嘉定"].into_iter().map(Box::from).collect();
        let text = "提升国际经济中心地位，中国国际贸易中心和国际航运中心，嘉定新城";
        let mut names = vec![
            model(text, "国际经济中心", EntityKind::Organization),
            model(text, "中国国际贸易中心", EntityKind::Organization),
            model(text, "国际航运中心", EntityKind::Organization),
            model(text, "嘉定", EntityKind::Location),
        ];
        drop_phrase_items(text, &mut names, &items, &Gazetteer::new([("嘉定", 1)]));
        assert_eq!(
            shown(text, &names),
            [("中国国际贸易中心".to_string(), EntityKind::Organization), ("嘉定".to_string(), EntityKind::Location)]
        );
    }

    #[test]
    fn facilities_are_one_place_with_their_place() {
        let text = "抵达德黑兰机场时说";
        let mut names = vec![model(text, "德黑兰", EntityKind::Location)];
        facilities_take_their_place(text, &mut names);
        assert_eq!(shown(text, &names), [("德黑兰机场".to_string(), EntityKind::Location)]);

        let text = "南非国家博物馆和北京饭店";
        let mut names = vec![
            model(text, "南非国家博物馆", EntityKind::Organization),
            model(text, "北京饭店", EntityKind::Organization),
        ];
        facilities_are_places(text, &mut names);
        let kinds: Vec<EntityKind> = names.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EntityKind::Location, EntityKind::Organization]);

        // Not an organization, and not over a name the model found after it.
        let text = "上海广场大厦";
        let mut names = vec![model(text, "上海", EntityKind::Organization)];
        facilities_take_their_place(text, &mut names);
        assert_eq!(shown(text, &names), [("上海".to_string(), EntityKind::Organization)]);
        let text = "北京广场大厦";
        let mut names = vec![model(text, "北京", EntityKind::Location), model(text, "广场大厦", EntityKind::Location)];
        facilities_take_their_place(text, &mut names);
        assert_eq!(&text[names[0].span.clone()], "北京");
    }

    #[test]
    fn chained_divisions_are_two_places() {
        for (text, parts) in [
            ("营口市鲅鱼圈区区长", &["营口市", "鲅鱼圈区"][..]),
            ("利津县罗镇乡前邵村", &["利津县", "罗镇乡"]),
            ("重庆市人民大会堂", &["重庆市人民大会堂"]),
            ("苏州新区", &["苏州新区"]),
            ("江苏泰兴市", &["江苏", "泰兴市"]),
            ("山东莒县", &["山东", "莒县"]),
            ("吉林市", &["吉林市"]),
            ("浦东新区", &["浦东新区"]),
        ] {
            let whole = text.strip_suffix("区长").or(text.strip_suffix("前邵村")).unwrap_or(text);
            let mut names = vec![model(text, whole, EntityKind::Location)];
            split_chained_divisions(text, &mut names);
            let found = shown_texts(text, &names);
            assert_eq!(found, parts, "{text}");
        }
    }

    #[test]
    fn regnal_numbers_are_part_of_the_name() {
        let text = "英国女王伊丽莎白二世和国王查尔斯三世";
        let mut names = vec![model(text, "伊丽莎白", EntityKind::Person), model(text, "查尔斯", EntityKind::Person)];
        regnal_numbers_join_the_name(text, &mut names);
        let found = shown_texts(text, &names);
        assert_eq!(found, ["伊丽莎白二世", "查尔斯三世"]);

        for text in ["李明二十世纪", "李明一世界", "查尔斯三"] {
            let mut names = vec![model(text, &text[..text.find(['二', '一', '三']).unwrap()], EntityKind::Person)];
            let before = names[0].span.clone();
            regnal_numbers_join_the_name(text, &mut names);
            assert_eq!(names[0].span, before, "{text}");
        }
    }

    #[test]
    fn names_keep_no_mark_they_do_not_close() {
        for (text, found, kept) in [
            ("据《人民日报》报道", "人民日报》", Some("人民日报")),
            ("成立“防汛救灾领导小组”", "“防汛救灾领导小组", Some("防汛救灾领导小组")),
            ("石油输出国组织（欧佩克）", "石油输出国组织（欧佩克", Some("石油输出国组织")),
            ("他说“”", "“”", None),
            ("美国《时代》周刊报道", "美国《时代》周刊", Some("美国《时代》周刊")),
            ("俄罗斯的“和平”号空间站", "“和平”号空间站", Some("“和平”号空间站")),
            ("实施“希望工程”以来", "“希望工程”", Some("希望工程")),
            ("给“红双喜”公司带来", "红双喜”公司", Some("“红双喜”公司")),
        ] {
            let mut names = vec![model(text, found, EntityKind::Organization)];
            trim_stray_marks(text, &mut names);
            let shown = shown_texts(text, &names);
            assert_eq!(shown, kept.into_iter().map(String::from).collect::<Vec<_>>(), "{found}");
        }
    }

    #[test]
    fn one_char_persons_join_a_split_name_or_need_a_title() {
        let text = "副院长刘燕京表示";
        let mut names = vec![model(text, "刘", EntityKind::Person), model(text, "燕京", EntityKind::Location)];
        mend_one_char_persons(text, &mut names, &[]);
        assert_eq!(shown(text, &names), [("刘燕京".to_string(), EntityKind::Person)]);

        for (text, kept) in [("吴先生说", true), ("老张来了", true), ("汤局长指出", true), ("司法改革", false)]
        {
            let first = text.chars().next().unwrap().to_string();
            let one = if text.starts_with('老') { "张".to_string() } else { first };
            let mut names = vec![model(text, &one, EntityKind::Person)];
            // 局长 in 汤局长 is found by the POSITION rule.
            let rules = crate::pipeline::ner::rules::find(text, None);
            mend_one_char_persons(text, &mut names, &rules);
            assert_eq!(names.len() == 1, kept, "{text}");
        }
    }

    #[test]
    fn inside_a_policy_phrase_only_names_a_list_vouches_for_stay() {
        let text = "坚持习近平新时代中国特色社会主义思想，加快五个中心建设，推进城中村改造，学史崇德，上海国际金融中心，上海科创中心";
        let span = |needle: &str| {
            let start = text.find(needle).unwrap();
            start..start + needle.len()
        };
        let phrases = [
            span("习近平新时代中国特色社会主义思想"),
            span("五个中心"),
            span("城中村改造"),
            span("学史崇德"),
            span("上海国际金融中心"),
            span("科创中心"),
        ];
        // Lists: 0 known persons, 1 known places (a corpus labels 中心), 3 jieba
        // persons, 4 jieba places.
        let gazetteer = Gazetteer::new([
            ("习近平", 0),
            ("中心", 1),
            ("中国", 1),
            ("中国", 4),
            ("上海", 1),
            ("上海", 4),
            ("城中村", 4),
            ("崇德", 3),
        ]);
        let mut names = vec![
            model(text, "习近平", EntityKind::Person),
            model(text, "中国", EntityKind::Location),
            model(text, "特色", EntityKind::Organization),
            // The first 中心 of the text: the one in 五个中心.
            model(text, "中心", EntityKind::Location),
            model(text, "城中村", EntityKind::Location),
            model(text, "崇德", EntityKind::Person),
            model(text, "上海", EntityKind::Location),
            Entity {
                span: text.rfind("上海").unwrap()..text.len(), ..model(text, "上海", EntityKind::Organization)
            },
        ];
        names_meet_phrases_whole(text, &mut names, &phrases, &gazetteer);
        let want = [
            ("习近平", EntityKind::Person),
            ("中国", EntityKind::Location),
            ("上海", EntityKind::Location),
            ("上海", EntityKind::Location),
        ];
        assert_eq!(shown(text, &names), want.map(|(t, k)| (t.to_string(), k)));
        assert_eq!(
            names[3].span.start,
            text.rfind("上海").unwrap(),
            "上海科创中心 is cut to the place before the phrase"
        );
        // A body named after a phrase goes on past it, and stays whole.
        let text = "上海市中国共产党伟大建党精神研究中心成立";
        let phrase = text.find("伟大").unwrap()..text.find("精神").unwrap() + "精神".len();
        let mut names = vec![model(text, "上海市中国共产党伟大建党精神研究中心", EntityKind::Organization)];
        names_meet_phrases_whole(text, &mut names, std::slice::from_ref(&phrase), &gazetteer);
        assert_eq!(shown_texts(text, &names), ["上海市中国共产党伟大建党精神研究中心"]);
    }

    #[test]
    fn a_name_before_a_speech_verb_after_a_title_takes_its_third_char() {
        for (text, name, want) in [
            ("学院院长姜育刚说，当前", "姜育", "姜育刚"),
            ("副市长王刚表示", "王刚", "王刚"),
            ("院长李强也说", "李强", "李强"),
            ("他和李强刚说完", "李强", "李强"),
        ] {
            let mut names = vec![model(text, name, EntityKind::Person)];
            let rules = crate::pipeline::ner::rules::find(text, None);
            complete_names_before_speech(text, &mut names, &rules);
            assert_eq!(shown(text, &names), [(want.to_string(), EntityKind::Person)], "{text}");
        }
    }

    #[test]
    fn a_known_name_with_its_last_char_repeated_by_a_page_break_loses_the_repeat() {
        // Bit 0: the known persons' list.
        let gazetteer = Gazetteer::new([("习近平", 0), ("王平平", 0)]);
        for (text, name, want) in
            [("学习贯彻习近平平总书记", "习近平平", "习近平"), ("记者王平平报道", "王平平", "王平平")]
        {
            let mut names = vec![model(text, name, EntityKind::Person)];
            drop_repeated_last_char(text, &mut names, &gazetteer);
            assert_eq!(shown(text, &names), [(want.to_string(), EntityKind::Person)], "{text}");
        }
    }

    #[test]
    fn a_surname_with_an_honorific_is_the_surname() {
        for (text, name, want) in [
            ("科长刘某说", "刘某", "刘"),
            ("徐氏兄弟", "徐氏", "徐"),
            ("胡老说", "胡老", "胡"),
            ("李先生告诉记者", "李先生", "李"),
            ("陈小姐说", "陈小姐", "陈"),
            ("李某某", "李某某", "李某某"),
        ] {
            let mut names = vec![model(text, name, EntityKind::Person)];
            surname_with_suffix(text, &mut names);
            assert_eq!(shown(text, &names), [(want.to_string(), EntityKind::Person)], "{text}");
        }
    }

    #[test]
    fn an_author_is_named_without_the_verb() {
        let text = "《新闻学》（赵振宇著，李松梅译，王著编）本报记者 袁婧摄";
        let mut names = vec![
            model(text, "赵振宇著", EntityKind::Person),
            model(text, "李松梅译", EntityKind::Person),
            model(text, "王著", EntityKind::Person),
            model(text, "袁婧摄", EntityKind::Person),
        ];
        authors_lose_their_verb(text, &mut names);
        let shown = shown_texts(text, &names);
        assert_eq!(shown, ["赵振宇", "李松梅", "王著", "袁婧"]);
    }

    #[test]
    fn a_body_gives_back_the_verb_it_starts() {
        let text = "要按照市委部署，推进部署工作";
        for read in ["市委部", "市委部署"] {
            let mut names = vec![model(text, read, EntityKind::Organization)];
            bodies_lose_the_verb_they_start(text, &mut names);
            assert_eq!(shown_texts(text, &names), ["市委"], "{read}");
        }
        let lone = text.rfind("部署").unwrap();
        let mut names = vec![Entity { span: lone..lone + "部".len(), ..model(text, "部", EntityKind::Organization) }];
        bodies_lose_the_verb_they_start(text, &mut names);
        assert!(names.is_empty(), "a name of the verb's first char alone goes");
        let text = "按照市委部署，国防部发言人说";
        let mut names =
            vec![model(text, "市委", EntityKind::Organization), model(text, "国防部", EntityKind::Organization)];
        bodies_lose_the_verb_they_start(text, &mut names);
        assert_eq!(
            shown_texts(text, &names),
            ["市委", "国防部"],
            "names that end before the verb or before no verb stay"
        );
    }

    #[test]
    fn a_road_or_district_is_no_person() {
        for (text, name) in
            [("位于杨高南路的广场", "杨高南路"), ("徐汇区区级机关", "徐汇区"), ("美国莱克伍德县", "莱克伍德县")]
        {
            let mut names = vec![model(text, name, EntityKind::Person)];
            places_are_no_persons(text, &mut names);
            assert_eq!(names[0].kind, EntityKind::Location, "{name}");
        }
        for (text, name) in [("日本首相村山富市", "村山富市"), ("张路说", "张路")] {
            let mut names = vec![model(text, name, EntityKind::Person)];
            places_are_no_persons(text, &mut names);
            assert_eq!(names[0].kind, EntityKind::Person, "{name}");
        }
    }

    #[test]
    fn a_numeral_makes_one_char_an_ordinal_not_a_place() {
        let text = "二十届二中、三中全会和中、阿两国反对一中一台";
        let at = |needle: &str| text.find(needle).unwrap();
        let one_char =
            |start: usize| Entity { span: start..start + "中".len(), ..model(text, "中", EntityKind::Location) };
        let mut names = vec![
            one_char(at("中、三")),
            one_char(at("中全会")),
            one_char(at("中、阿")),
            one_char(at("中一台")),
            one_char(at("台")),
        ];
        drop_numbered_one_char_places(text, &mut names);
        let kept: Vec<usize> = names.iter().map(|e| e.span.start).collect();
        assert_eq!(kept, [at("中、阿"), at("中一台"), at("台")], "the plenums go; 中、阿 and 一中一台 stay");
    }

    #[test]
    fn a_hall_where_a_meeting_is_held_is_a_place() {
        let text = "全会在世博中心举行";
        let mut names = vec![model(text, "世博中心", EntityKind::Organization)];
        venues_are_places(text, &mut names);
        places_are_no_persons(text, &mut names);
        assert_eq!(names[0].kind, EntityKind::Location);
        let text = "在白宫举行的记者招待会";
        let mut names = vec![model(text, "白宫", EntityKind::Organization)];
        venues_are_places(text, &mut names);
        places_are_no_persons(text, &mut names);
        assert_eq!(names[0].kind, EntityKind::Organization);
    }
}
