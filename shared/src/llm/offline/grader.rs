//! Grading by coverage: an answer's terms against the key points, the rubric's STAR cues or
//! the criteria. Terms are stems matched with their synonyms (see `terms`), so endings,
//! Korean particles and everyday paraphrases do not hide a point.
//!
//! A technical answer is scored on four dimensions: completeness (how much of each key point
//! it covers), accuracy (whether it joins its terms as the example answer and key points do,
//! rather than in claims of its own), depth (how much of the example answer's substance it
//! reaches) and clarity (how many of its sentences make a point).

use std::collections::BTreeSet;

use super::GRADER;
use super::terms::{Lookup, Term, denies, says_no, terms};
use crate::domain::evaluation::{DimensionScore, Evaluation, EvaluationRequest, Star};
use crate::domain::text::{is_hangul, truncate};
use crate::domain::{Lang, QuestionKind};

/// The share of `wanted` terms the text mentions.
fn coverage(wanted: &BTreeSet<Term>, text: &Lookup) -> f64 {
    if wanted.is_empty() {
        return 0.0;
    }
    wanted.iter().filter(|t| text.mentions(t)).count() as f64 / wanted.len() as f64
}

fn to_score(fraction: f64, max: u8) -> u8 {
    let max = f64::from(max);
    (1.0 + (max - 1.0) * fraction.clamp(0.0, 1.0)).round() as u8
}

fn sentences(text: &str) -> Vec<&str> {
    text.split(['.', '!', '?', '\n', '。'])
        .map(str::trim)
        .filter(|s| s.chars().count() >= 8)
        .collect()
}

/// The sentences of the answer that say something looked for.
fn on_point_sentences<'a>(answer: &'a str, wanted: &BTreeSet<Term>) -> Vec<&'a str> {
    sentences(answer)
        .into_iter()
        .filter(|s| {
            let sentence = Lookup::new(s);
            wanted.iter().any(|t| sentence.mentions(t))
        })
        .collect()
}

/// Up to three sentences of the answer that contain what was looked for.
fn evidence(answer: &str, wanted: &BTreeSet<Term>) -> Vec<String> {
    on_point_sentences(answer, wanted)
        .into_iter()
        .take(3)
        .map(|s| truncate(s, 300))
        .collect()
}

pub(super) fn grade(request: &EvaluationRequest) -> Evaluation {
    match request.kind {
        QuestionKind::Technical => grade_technical(request),
        QuestionKind::Behavioral => grade_behavioral(request),
        QuestionKind::Personal => grade_personal(request),
    }
}

/// Answers too short to show understanding are discounted, whatever words they hit.
fn length_factor(answer: &str) -> f64 {
    let words =
        answer.split_whitespace().count() + answer.chars().filter(|c| is_hangul(*c)).count() / 3;
    (words as f64 / 25.0).clamp(0.5, 1.0)
}

/// The terms of a key point that show knowledge: words the question itself uses are left
/// out, since repeating the question earns nothing.
fn evidence_terms(point: &str, question: &Lookup) -> BTreeSet<Term> {
    let all = terms(point);
    let specific: BTreeSet<Term> = all
        .iter()
        .filter(|t| !question.mentions(t))
        .cloned()
        .collect();
    if specific.is_empty() { all } else { specific }
}

/// How far what the answer says agrees with the reference (the example answer's sentences
/// and the key points), from 0 to 1: of the pairs of terms that share a sentence of the
/// answer, the share that also share a sentence of the reference. A wrong answer uses the
/// subject's words too, but joins them in claims the reference does not make. Words of the
/// question count for nothing, and a few pairs prove little, so the share is taken over at
/// least `PAIRS_TO_TRUST` of them.
fn agreement(answer: &str, reference: &[Lookup], question: &Lookup) -> f64 {
    const PAIRS_TO_TRUST: usize = 10;
    // A strong answer in its own words shares about one pair in five with the reference; the
    // rest is its own phrasing.
    const PAIRS_SHARED_BY_STRONG_ANSWERS: f64 = 0.2;
    let (mut pairs, mut shared) = (0, 0);
    for sentence in sentences(answer) {
        // For each term, the reference sentences that mention it.
        let places: Vec<BTreeSet<usize>> = terms(sentence)
            .into_iter()
            .filter(|t| !question.mentions(t))
            .map(|t| {
                (0..reference.len())
                    .filter(|at| reference[*at].mentions(&t))
                    .collect()
            })
            .collect();
        for (i, first) in places.iter().enumerate() {
            for second in &places[i + 1..] {
                pairs += 1;
                if !first.is_disjoint(second) {
                    shared += 1;
                }
            }
        }
    }
    let share = shared as f64 / pairs.max(PAIRS_TO_TRUST) as f64;
    (share / PAIRS_SHARED_BY_STRONG_ANSWERS).min(1.0)
}

fn grade_technical(request: &EvaluationRequest) -> Evaluation {
    let answer = Lookup::new(&request.answer);
    // A key point that denies something ("never store plain text") is met by saying no, not
    // by recommending the thing: its words count only in sentences that say no.
    let answer_saying_no = Lookup::new(
        &sentences(&request.answer)
            .into_iter()
            .filter(|s| says_no(s))
            .collect::<Vec<_>>()
            .join(". "),
    );
    let question = Lookup::new(&request.question);
    let mut covered = Vec::new();
    let mut missed = Vec::new();
    let mut all_wanted = BTreeSet::new();
    let mut credit = 0.0;
    for point in &request.key_points {
        let wanted = evidence_terms(point, &question);
        all_wanted.extend(wanted.iter().cloned());
        let source = if denies(point) {
            &answer_saying_no
        } else {
            &answer
        };
        let found = wanted.iter().filter(|t| source.mentions(t)).count();
        let share = found as f64 / wanted.len().max(1) as f64;
        // Half of a point's words in the answer covers it. Fewer earn part of it, but a single
        // stray word in common is noise, not knowledge of the point.
        if share >= 0.5 {
            covered.push(point.clone());
            credit += 1.0;
        } else {
            missed.push(point.clone());
            if found >= 2 {
                credit += share * 2.0;
            }
        }
    }
    let mut reference: Vec<Lookup> = request
        .example_answer
        .as_deref()
        .map(sentences)
        .unwrap_or_default()
        .into_iter()
        .map(Lookup::new)
        .collect();
    reference.extend(request.key_points.iter().map(|p| Lookup::new(p)));
    let accuracy = agreement(&request.answer, &reference, &question);
    let completeness = credit / request.key_points.len().max(1) as f64;
    let length = length_factor(&request.answer);
    let example_terms: BTreeSet<Term> = request
        .example_answer
        .as_deref()
        .map(|e| {
            terms(e)
                .into_iter()
                .filter(|t| !question.mentions(t))
                .collect()
        })
        .unwrap_or_default();
    let depth = (coverage(&example_terms, &answer) * 2.0).min(1.0);
    // A clear answer makes its points in sentences of their own: count those on a key point.
    let sentences_on_points = on_point_sentences(&request.answer, &all_wanted).len();
    let clarity = (sentences_on_points as f64 / 3.0).min(1.0);
    let overall = (0.3 * accuracy + 0.4 * completeness + 0.2 * depth + 0.1 * clarity) * length;
    let dimensions = vec![
        dimension("accuracy", accuracy, None),
        dimension("completeness", completeness, None),
        dimension("depth", depth, None),
        dimension("clarity", clarity, None),
    ];
    let feedback = technical_feedback(
        request.lang,
        covered.len(),
        &missed,
        request.key_points.len(),
    );
    Evaluation {
        grader: GRADER.into(),
        score: to_score(overall, 10),
        dimensions,
        evidence: evidence(&request.answer, &all_wanted),
        key_points_covered: covered,
        key_points_missed: missed,
        star: None,
        feedback,
    }
}

fn dimension(name: &str, fraction: f64, reason: Option<String>) -> DimensionScore {
    DimensionScore {
        name: name.into(),
        score: to_score(fraction, 10),
        max: 10,
        reason,
    }
}

fn technical_feedback(lang: Lang, covered: usize, missed: &[String], total: usize) -> String {
    let missing = missed.join("; ");
    match (lang, missed.is_empty()) {
        (Lang::En, true) => format!(
            "You covered all {total} key points. To go further, add a concrete example or trade-off from your own work."
        ),
        (Lang::En, false) => {
            format!("You covered {covered} of {total} key points. Missing: {missing}.")
        }
        (Lang::Ko, true) => format!(
            "핵심 포인트 {total}개를 모두 다뤘습니다. 실제 경험에서 나온 구체적인 사례나 트레이드오프를 더하면 더 좋습니다."
        ),
        (Lang::Ko, false) => {
            format!("핵심 포인트 {total}개 중 {covered}개를 다뤘습니다. 빠진 내용: {missing}.")
        }
    }
}

const STAR_CUES: [(&str, &[&str]); 4] = [
    (
        "situation",
        &[
            "situation",
            "context",
            "when i",
            "at my",
            "our team",
            "project",
            "we were",
            "상황",
            "당시",
            "프로젝트",
            "팀에서",
            "회사에서",
        ],
    ),
    (
        "task",
        &[
            "task",
            "goal",
            "responsible",
            "needed to",
            "had to",
            "my role",
            "objective",
            "과제",
            "목표",
            "역할",
            "책임",
            "해야",
        ],
    ),
    (
        "action",
        &[
            "i decided",
            "i led",
            "i built",
            "i proposed",
            "i wrote",
            "i organized",
            "i talked",
            "i created",
            "i changed",
            "i set up",
            "action",
            "so i",
            "제가",
            "저는",
            "진행했",
            "제안했",
            "도입했",
            "설득했",
            "만들었",
        ],
    ),
    (
        "result",
        &[
            "result",
            "outcome",
            "as a result",
            "reduced",
            "increased",
            "improved",
            "learned",
            "%",
            "결과",
            "개선",
            "줄었",
            "늘었",
            "배웠",
            "성과",
        ],
    ),
];

fn grade_behavioral(request: &EvaluationRequest) -> Evaluation {
    let lower = request.answer.to_lowercase();
    let found = |cues: &[&str]| cues.iter().any(|cue| lower.contains(cue));
    let star = Star {
        situation: found(STAR_CUES[0].1),
        task: found(STAR_CUES[1].1),
        action: found(STAR_CUES[2].1),
        result: found(STAR_CUES[3].1),
    };
    let parts = [star.situation, star.task, star.action, star.result]
        .iter()
        .filter(|p| **p)
        .count();
    let length = length_factor(&request.answer);
    // Level 1 with no structure, up to 5 with all four parts told at some length.
    let level = (1.0 + parts as f64 * length).round().clamp(1.0, 5.0) as u8;
    let rubric_text = request
        .competency
        .as_ref()
        .and_then(|c| c.rubric.get(&level.to_string()).cloned());
    let missing: Vec<&str> = STAR_CUES
        .iter()
        .zip([star.situation, star.task, star.action, star.result])
        .filter(|(_, present)| !present)
        .map(|((name, _), _)| *name)
        .collect();
    let feedback = match (request.lang, missing.is_empty()) {
        (Lang::En, true) => "Your answer follows the STAR structure. Make the result measurable and say what you would do differently.".to_owned(),
        (Lang::En, false) => format!("Tell it as a STAR story; missing or unclear: {}.", missing.join(", ")),
        (Lang::Ko, true) => "STAR 구조를 잘 따랐습니다. 결과를 수치로 보여주고, 다시 한다면 무엇을 다르게 할지 덧붙여 보세요.".to_owned(),
        (Lang::Ko, false) => format!("STAR(상황·과제·행동·결과) 구조로 답해 보세요. 부족한 부분: {}.", missing.iter().map(|m| star_korean(m)).collect::<Vec<_>>().join(", ")),
    };
    let wanted: BTreeSet<Term> = STAR_CUES
        .iter()
        .flat_map(|(_, cues)| cues.iter().flat_map(|c| terms(c)))
        .collect();
    Evaluation {
        grader: GRADER.into(),
        score: (level * 2).clamp(1, 10),
        dimensions: vec![DimensionScore {
            name: "rubric".into(),
            score: level,
            max: 5,
            reason: rubric_text,
        }],
        key_points_covered: Vec::new(),
        key_points_missed: Vec::new(),
        evidence: evidence(&request.answer, &wanted),
        star: Some(star),
        feedback,
    }
}

fn star_korean(part: &str) -> &'static str {
    match part {
        "situation" => "상황",
        "task" => "과제",
        "action" => "행동",
        _ => "결과",
    }
}

fn grade_personal(request: &EvaluationRequest) -> Evaluation {
    let answer = Lookup::new(&request.answer);
    let length = length_factor(&request.answer);
    let mut dimensions = Vec::new();
    let mut wanted_all = BTreeSet::new();
    let mut total = 0.0;
    for criterion in &request.criteria {
        let wanted = terms(&format!("{} {}", criterion.keyword, criterion.description));
        wanted_all.extend(wanted.iter().cloned());
        let fraction = (coverage(&wanted, &answer) * 2.0).min(1.0) * length;
        total += fraction;
        let reason = match request.lang {
            Lang::En => format!(
                "{:.0}% of what this criterion looks for is addressed.",
                fraction * 100.0
            ),
            Lang::Ko => format!(
                "이 기준에서 기대하는 내용의 {:.0}%를 다뤘습니다.",
                fraction * 100.0
            ),
        };
        dimensions.push(dimension(&criterion.keyword, fraction, Some(reason)));
    }
    let average = total / request.criteria.len().max(1) as f64;
    let weakest = dimensions
        .iter()
        .min_by_key(|d| d.score)
        .map(|d| d.name.clone())
        .unwrap_or_default();
    let feedback = match request.lang {
        Lang::En => format!(
            "Tie the answer to specifics from your CV; the weakest criterion was `{weakest}`."
        ),
        Lang::Ko => {
            format!("이력서의 구체적인 경험과 연결해 답해 보세요. 가장 부족한 기준: `{weakest}`.")
        }
    };
    Evaluation {
        grader: GRADER.into(),
        score: to_score(average, 10),
        dimensions,
        key_points_covered: Vec::new(),
        key_points_missed: Vec::new(),
        evidence: evidence(&request.answer, &wanted_all),
        star: None,
        feedback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn technical(lang: Lang, question: &str, key_point: &str, answer: &str) -> Evaluation {
        grade(&EvaluationRequest {
            lang,
            kind: QuestionKind::Technical,
            question: question.into(),
            answer: answer.into(),
            example_answer: None,
            key_points: vec![key_point.into()],
            competency: None,
            criteria: vec![],
        })
    }

    #[test]
    fn a_point_said_in_other_words_is_covered() {
        let evaluation = technical(
            Lang::Ko,
            "CAS(compare-and-swap)란 무엇인가요?",
            "CAS는 값이 기대값과 같을 때만 원자적으로 갱신한다",
            "메모리에 있는 값이 예상한 값과 일치할 때에만 새 값으로 바꿔 줍니다.",
        );
        assert_eq!(evaluation.key_points_covered.len(), 1, "{evaluation:?}");
        let evaluation = technical(
            Lang::En,
            "What is a database index?",
            "Writes get slower because every index must be maintained",
            "Each insert or update has to modify the indexes too, so writing becomes slow.",
        );
        assert_eq!(evaluation.key_points_covered.len(), 1, "{evaluation:?}");
    }

    #[test]
    fn a_point_that_forbids_something_is_not_met_by_recommending_it() {
        let question = "How should a back-end store user passwords?";
        let point = "Never plain text or reversible encryption";
        let recommending = technical(
            Lang::En,
            question,
            point,
            "Use reversible encryption, or plain text behind a firewall.",
        );
        assert!(recommending.key_points_covered.is_empty());
        let forbidding = technical(
            Lang::En,
            question,
            point,
            "Do not keep plain text, and avoid reversible encryption.",
        );
        assert_eq!(forbidding.key_points_covered.len(), 1);
    }
}
