//! Follow-ups written from the answer and what it missed: the first missed point, asked about
//! with the candidate's own words quoted back.

use crate::domain::Lang;
use crate::domain::follow_up::{FollowUp, FollowUpRequest, quoted_from};
use crate::domain::text::truncate;

pub(super) fn write(request: &FollowUpRequest) -> FollowUp {
    let point = truncate(
        request
            .missed
            .first()
            .map(String::as_str)
            .unwrap_or_default(),
        120,
    );
    let quoted = quoted_from(&request.answer);
    let text = match request.lang {
        Lang::En => format!(
            "You said \"{quoted}\". You did not get to {point}: how does it apply here, and what would you do about it?"
        ),
        Lang::Ko => format!(
            "\"{quoted}\"라고 답하셨습니다. {point} 부분은 다루지 않으셨는데, 여기에 어떻게 적용되고 어떻게 하시겠어요?"
        ),
    };
    FollowUp { text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::QuestionKind;
    use crate::domain::follow_up::validate_follow_up;

    #[test]
    fn a_follow_up_names_the_missed_point_and_quotes_the_answer() {
        for lang in Lang::ALL {
            let follow_up = write(&FollowUpRequest {
                lang,
                kind: QuestionKind::Technical,
                question: "How does a B-tree index speed up a range query?".into(),
                answer: "It keeps keys sorted. Lookups are fast.".into(),
                missed: vec!["leaf pages are linked".into()],
            });
            assert!(
                follow_up.text.contains("leaf pages are linked"),
                "{follow_up:?}"
            );
            assert!(
                follow_up.text.contains("\"It keeps keys sorted\""),
                "{follow_up:?}"
            );
            validate_follow_up(&follow_up).unwrap();
        }
    }
}
