//! The bank files: every rule of the documented format, the sizes the product needs, and the
//! counts printed per position, difficulty and language.

use cyi_shared::domain::bank::Bank;
use cyi_shared::domain::{COMPETENCIES, Difficulty, Position};

#[test]
fn the_bank_is_valid_and_large_enough() {
    let bank = Bank::read_dir(&cyi_infra::default_bank_dir()).unwrap_or_else(|e| panic!("{e}"));
    println!("{}", cyi_infra::bank_summary(&bank));
    for position in Position::ALL {
        let questions: Vec<_> = bank
            .technical
            .iter()
            .filter(|q| q.position == position)
            .collect();
        assert!(
            questions.len() >= 150,
            "{}: {} technical questions",
            position.as_str(),
            questions.len()
        );
        for topic in position.topics() {
            assert!(
                questions.iter().any(|q| q.topic == *topic),
                "{}: no {topic} question",
                position.as_str()
            );
        }
        for difficulty in [Difficulty::Junior, Difficulty::Mid, Difficulty::Senior] {
            let count = questions
                .iter()
                .filter(|q| q.difficulty == difficulty)
                .count();
            assert!(
                count >= 40,
                "{}: only {count} {difficulty:?} questions",
                position.as_str()
            );
        }
    }
    assert!(bank.behavioral.len() >= 36);
    for competency in COMPETENCIES {
        assert!(
            bank.behavioral
                .iter()
                .filter(|q| q.competency == competency)
                .count()
                >= 6,
            "{competency}"
        );
    }
}

#[test]
fn a_broken_entry_is_reported_by_id() {
    let mut bank = Bank::read_dir(&cyi_infra::default_bank_dir()).unwrap();
    bank.technical[0].en.key_points.truncate(2);
    bank.technical[1].ko.example_answer = "짧음".into();
    let duplicate = bank.technical[2].clone();
    bank.technical.push(duplicate);
    let problems = bank.problems().join("\n");
    assert!(
        problems.contains(&format!(
            "{} (en): 3-6 non-empty key points",
            bank.technical[0].id
        )),
        "{problems}"
    );
    assert!(
        problems.contains(&format!(
            "{} (ko): the example answer",
            bank.technical[1].id
        )),
        "{problems}"
    );
    assert!(problems.contains("is used twice"), "{problems}");
    assert!(problems.contains("near-duplicates"), "{problems}");
}
