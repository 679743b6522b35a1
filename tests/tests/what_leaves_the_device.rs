//! What leaves the device is exactly what the officer saw, in the real window against a real
//! gateway: the officer opens the gate and answers the migrant-victim questions, then finds the
//! victim was not alone after all and says so. The screen says at once that nothing asked there
//! will be sent (in words that do not depend on what was answered there); check-your-answers
//! says it again; what the safeguarding unit opens holds no immigration answer, and the device's
//! data folder holds no row or key of one. An answer hidden by an ordinary condition is counted
//! on screen. And in Welsh, a grade rationale that is too short is refused in Welsh.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use firstline_e2e::force::LocalForce;
use firstline_e2e::pages::{
    default_answer, Answer, CheckAnswers, Home, QuestionPage, SignIn, MIGRANT_QUESTIONS,
};
use firstline_e2e::{App, TempDir};

fn vault(data: &TempDir) -> rusqlite::Connection {
    rusqlite::Connection::open(data.path().join("data/uk.firstline.app/vault.sqlite"))
        .expect("open the vault file")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_hidden_by_a_changed_safeguarding_answer_are_never_sent() {
    let mut force = LocalForce::start("leaves-device");
    let code = force.enrolment_code();
    let data = TempDir::new("leaves-device-data");
    let app = App::launch_in(
        "leaves-device",
        data.path(),
        &["--enrol", &force.url(), &code],
    )
    .await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    let page = QuestionPage(&app);
    page.answer_everything().await;
    let check = CheckAnswers(&app);
    assert_eq!(check.answer_to("deportation_threats").await, "Yes");

    // An ordinary condition: no control after all hides the kinds of control, and says so.
    check.change("control_frequency").await;
    page.choose("never").await;
    page.continue_on().await;
    assert_eq!(
        app.text("hidden-answers-notice").await,
        "1 answer is no longer asked and will not be sent unless this changes back"
    );
    app.screenshot("an-answer-no-longer-asked").await;
    app.click("go-check-answers").await;
    check.change("control_frequency").await;
    page.choose("often").await;
    page.continue_on().await;

    // Immediate safety advice was not given after all: the safeguarding gate closes again. The
    // screen says so in fixed words that are the same whether or not anything was answered
    // behind it.
    app.click("go-check-answers").await;
    check.change("safety_advice_given").await;
    page.choose("no").await;
    page.continue_on().await;
    let notice = app.text("gate-closed-notice").await;
    assert_eq!(
        notice,
        "\"Further questions\" is closed again: nothing asked there will be sent unless it opens again."
    );
    assert!(
        app.client
            .find(fantoccini::Locator::Css(
                "[data-testid='hidden-answers-notice']"
            ))
            .await
            .is_err(),
        "a count of the answers behind the gate is on screen"
    );
    let source = app.client.source().await.expect("page source");
    assert!(!source.contains("passport or other documents"));
    app.screenshot("gate-closed-again").await;

    app.click("go-check-answers").await;
    check.title().await;
    assert_eq!(
        app.text("gate-closed-summary").await,
        "Nothing behind \"Further questions\" is asked or sent while it is closed."
    );
    assert!(!check.has_row("deportation_threats").await);
    let shown_rows = app
        .client
        .find_all(fantoccini::Locator::Css(
            "[data-testid^='summary-'] [data-testid='summary-answer']",
        ))
        .await
        .expect("rows");
    let mut answered_rows = 0;
    for row in shown_rows {
        if row.text().await.unwrap_or_default() != "Not answered" {
            answered_rows += 1;
        }
    }
    app.screenshot("check-answers-with-hidden").await;

    // Finalise with the gateway down, so the readable copy stays on the device to be looked at.
    force.stop();
    app.click("finalise").await;
    app.wait_for_text("sync-pending", "1").await;
    {
        let vault = vault(&data);
        let (rows, keys_left): (i64, i64) = vault
            .query_row(
                "SELECT (SELECT COUNT(DISTINCT question_tag) FROM answers),
                        (SELECT COUNT(*) FROM assessments WHERE wrapped_compartment_key IS NOT NULL)",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .expect("read the vault");
        assert_eq!(
            rows, answered_rows,
            "the device keeps answers beyond the {answered_rows} shown"
        );
        assert_eq!(keys_left, 0, "a safeguarding compartment key is left");
    }

    force.restart();
    app.click("sync-now").await;
    app.wait_for_text("sync-received", "1").await;
    app.screenshot("received").await;
    app.close().await;

    let opened = force.open_submissions(true);
    assert_eq!(opened.len(), 1);
    let section = &opened[0]["migrant_section"];
    assert_eq!(
        section["answers"].as_object().map(|answers| answers.len()),
        Some(0),
        "the safeguarding unit received hidden answers: {section}"
    );
    let record = &opened[0]["record"]["answers"];
    for question in MIGRANT_QUESTIONS {
        assert!(
            record.get(question).is_none(),
            "{question} is in the main record"
        );
    }
    assert_eq!(record["safety_advice_given"]["value"], "no");
    // After the receipt nothing readable of the record is left on the device.
    let rows: i64 = vault(&data)
        .query_row("SELECT COUNT(*) FROM answers", [], |row| row.get(0))
        .expect("count");
    assert_eq!(rows, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_too_short_rationale_is_refused_in_welsh() {
    let app = App::launch("welsh-refusal").await;
    SignIn(&app).set_up().await;
    app.click("language-switch").await;
    Home(&app).start_assessment().await;
    let page = QuestionPage(&app);
    for _ in 0..140 {
        let id = page.current_id().await;
        if id == "risk_grade" {
            break;
        }
        page.give(default_answer(&id)).await;
        page.continue_on().await;
    }
    assert_eq!(page.current_id().await, "risk_grade");
    page.give(Answer::Grade("high", "Rhy fyr")).await;
    page.continue_on().await;
    let refusal = app.text("error-summary").await;
    assert!(
        refusal.contains("Ysgrifennwch eich rhesymeg dros y radd: o leiaf 40 nod"),
        "the refusal is not in Welsh: {refusal}"
    );
    assert!(!refusal.contains("Write your rationale"), "{refusal}");
    app.screenshot("welsh-rationale-refused").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_children_branch_takes_a_number_and_counts_its_answers_when_it_closes() {
    let app = App::launch("children-branch").await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    let page = QuestionPage(&app);
    for _ in 0..20 {
        let id = page.current_id().await;
        if id == "children_present" {
            break;
        }
        page.give(default_answer(&id)).await;
        page.continue_on().await;
    }
    page.choose("yes").await;
    page.continue_on().await;

    // The number question: out of range is refused in words, then a real count is taken.
    assert_eq!(page.current_id().await, "children_count");
    page.give(Answer::Text("0")).await;
    page.continue_on().await;
    assert!(
        app.text("error-summary")
            .await
            .contains("Enter a number from 1 to 30"),
        "an out-of-range number was not refused in words"
    );
    page.give(Answer::Text("2")).await;
    page.continue_on().await;
    assert_eq!(page.current_id().await, "children_seen");
    page.choose("not_seen").await;
    page.continue_on().await;
    assert_eq!(page.current_id().await, "children_not_seen_reason");
    page.give(Answer::Text(
        "Asleep upstairs; the victim asked us not to wake them.",
    ))
    .await;
    page.continue_on().await;
    app.screenshot("children-answered").await;

    app.click("go-check-answers").await;
    let check = CheckAnswers(&app);
    assert_eq!(check.answer_to("children_count").await, "2");

    // No children after all: their three answers are no longer asked, and the screen says so.
    check.change("children_present").await;
    page.choose("no").await;
    page.continue_on().await;
    assert_eq!(
        app.text("hidden-answers-notice").await,
        "3 answers are no longer asked and will not be sent unless this changes back"
    );
    app.click("go-check-answers").await;
    check.title().await;
    assert!(app
        .text("hidden-answers-summary")
        .await
        .starts_with("3 answers are no longer asked"));
    assert!(!check.has_row("children_count").await);
    app.screenshot("children-no-longer-asked").await;
    app.close().await;
}
