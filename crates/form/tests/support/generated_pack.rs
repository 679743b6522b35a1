//! Generated form packs for property tests and benchmarks: `questions` questions in sections of
//! ten, with `show_if` conditions on earlier answers, a gate over the first section, and one
//! gated section. Deterministic for a given seed (a small linear congruential generator: no
//! randomness crate, no clock).

/// The id of every question behind the gate in a generated pack.
pub fn gated_question_ids(questions: usize) -> Vec<String> {
    let gated_section = gated_section(questions);
    (0..questions)
        .filter(|q| q / 10 == gated_section)
        .map(|q| format!("q{q}"))
        .collect()
}

fn gated_section(questions: usize) -> usize {
    (questions / 10).saturating_sub(1).max(1)
}

/// A generated pack as JSON text.
pub fn generated_pack(questions: usize, seed: u64) -> String {
    assert!(
        questions >= 12,
        "a generated pack needs at least 12 questions"
    );
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move |below: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % below.max(1)
    };
    let text = |s: &str| format!(r#"{{"en":"{s}","cy":"{s} (cy)"}}"#);
    let gated_section = gated_section(questions);
    let mut sections = Vec::new();
    for section in 0..questions.div_ceil(10) {
        let mut items = Vec::new();
        for q in section * 10..(section * 10 + 10).min(questions) {
            let single = q % 3 == 2;
            let kind = if single {
                format!(
                    r#""kind":"single_choice","choices":[{{"value":"a","label":{}}},{{"value":"b","label":{}}},{{"value":"c","label":{}}}]"#,
                    text("A"),
                    text("B"),
                    text("C")
                )
            } else {
                r#""kind":"yes_no_unknown""#.to_string()
            };
            // Conditions read only earlier questions outside the gated section, so no circle.
            let earlier: Vec<usize> = (0..q).filter(|e| e / 10 != gated_section).collect();
            let show_if = if q >= 10 && !earlier.is_empty() && next(3) > 0 {
                let e = earlier[next(earlier.len())];
                if e % 3 == 2 {
                    format!(r#","show_if":"q{e} in ['a', 'b'] or not answered(q{e})""#)
                } else {
                    format!(r#","show_if":"q{e} != 'no'""#)
                }
            } else {
                String::new()
            };
            items.push(format!(
                r#"{{"id":"q{q}",{kind},"label":{}{show_if}}}"#,
                text(&format!("Question {q}"))
            ));
        }
        let gate = if section == gated_section {
            r#","gate":"g""#
        } else {
            ""
        };
        sections.push(format!(
            r#"{{"id":"s{section}","title":{}{gate},"questions":[{}]}}"#,
            text(&format!("Section {section}")),
            items.join(",")
        ));
    }
    format!(
        r#"{{"format":1,"id":"generated","version":"{seed}","title":{},
            "gates":[{{"id":"g","title":{},"conditions":[
              {{"when":"q0 == 'yes'","description":{}}},
              {{"when":"q1 == 'yes' and answered(q2)","description":{}}}]}}],
            "sections":[{}]}}"#,
        text("Generated"),
        text("Gated section"),
        text("Q0 is yes"),
        text("Q1 is yes and Q2 answered"),
        sections.join(",")
    )
}
