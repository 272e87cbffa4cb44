use super::*;

fn sig(text: &str) -> String {
    remove_valediction_block(text).into_owned()
}

#[test]
fn identity_lines_after_a_valediction_go_in_four_languages() {
    let cases = [
        (
            "I cannot sleep any more.\n\nKind regards,\nJane Doe\nSocial worker\n+32 470 12 34 56\nRue de la Loi 16, 1000 Bruxelles\njane.doe@example.org",
            "I cannot sleep any more.\n\nKind regards,",
        ),
        (
            "Je n'en peux plus.\n\nCordialement,\n\nMarie Dupont\nAssistante sociale\nTél. : 02 123 45 67\nwww.example.be",
            "Je n'en peux plus.\n\nCordialement,\n",
        ),
        (
            "Ik durf het niemand te vertellen.\n\nMet vriendelijke groeten,\nPieter van den Berg\nKerkstraat 12\n1012 AB Amsterdam\nT: 06 12345678",
            "Ik durf het niemand te vertellen.\n\nMet vriendelijke groeten,",
        ),
        (
            "Ich weiß nicht weiter.\n\nFreundliche Grüße\nAnna Schmidt | Beispiel GmbH | Hauptstraße 5, 10115 Berlin",
            "Ich weiß nicht weiter.\n\nFreundliche Grüße",
        ),
        (
            "Merci de m'avoir lue.\n\nBien à vous,\nDr. Claire Martin\nclaire@example.fr",
            "Merci de m'avoir lue.\n\nBien à vous,",
        ),
        (
            "Hilfe.\n\nViele Grüße\nAnna\nSozialarbeiterin",
            "Hilfe.\n\nViele Grüße\nAnna",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(sig(text), want, "{text}");
    }
}

#[test]
fn a_lone_first_name_or_pseudonym_stays() {
    for text in [
        "Please help me.\n\nKind regards,\nJane",
        "Aidez-moi.\n\nBisous,\nloulou",
        "Help.\n\nGroetjes,\nJ.",
        "Hilfe.\n\nLG\nAnna S.",
    ] {
        assert_eq!(sig(text), text);
    }
    // The name stays, the number goes.
    assert_eq!(
        sig("Please help me.\n\nThanks,\nJane\n0470 12 34 56"),
        "Please help me.\n\nThanks,\nJane"
    );
}

#[test]
fn prose_after_a_valediction_keeps_the_whole_block() {
    for text in [
        "Kind regards,\nMy stepfather hits me when my mother is out.",
        "Thanks,\nJane Doe\nI forgot to say: I am scared to go home.",
        "Cordialement,\nMarie Dupont\nEst-ce que vous pouvez m'appeler ?",
        "Met vriendelijke groeten,\nPieter de Vries\nik ben bang",
        "Regards,\nJane Doe\nPS I Love You All",
        "Thank you\nMy Mother Hits Me",
        "Best,\nSince 2020 I live alone",
    ] {
        assert_eq!(sig(text), text, "{text}");
    }
}

#[test]
fn no_valediction_no_removal() {
    for text in [
        "Jane Doe\n+32 470 12 34 56",
        "I am writing to you.\nJane Doe",
        "Thanks for listening to me.\nJane Doe",
        "Kind regards to your team, they helped me.\nJane Doe",
    ] {
        assert_eq!(sig(text), text, "{text}");
    }
}

#[test]
fn a_long_tail_is_not_a_signature() {
    let many: String = (0..12).map(|i| format!("Name Number{i}\n")).collect();
    let text = format!("Regards,\n{many}");
    assert_eq!(sig(&text), text);
}

#[test]
fn the_block_before_a_quoted_history_goes_too() {
    let text = concat!(
        "Thank you for your answer.\n\nBest regards,\nJane Doe\n+32 470 12 34 56\n\n",
        "On Mon, 3 Jun 2024 at 10:00, Help <help@line.example> wrote:\n> How are you?\n",
    );
    assert_eq!(
        sig(text),
        "Thank you for your answer.\n\nBest regards,\n\nOn Mon, 3 Jun 2024 at 10:00, Help <help@line.example> wrote:\n> How are you?\n"
    );
    // Bottom-posted: the block at the end of the text.
    let text = "> How are you?\n\nNot well.\n\nRegards,\nJane Doe\njane@example.org";
    assert_eq!(sig(text), "> How are you?\n\nNot well.\n\nRegards,");
}

#[test]
fn device_footers_go_in_four_languages() {
    for footer in [
        "Sent from my iPhone",
        "Sent from my Samsung Galaxy smartphone.",
        "Sent from my Galaxy",
        "Sent from Outlook for Android",
        "Get Outlook for iOS",
        "Sent with Proton Mail secure email.",
        "Sent from Yahoo Mail on Android",
        "Envoyé de mon iPhone",
        "Envoyé depuis mon appareil Galaxy",
        "Envoyé à partir de Outlook pour Android",
        "Télécharger Outlook pour iOS",
        "Verzonden vanaf mijn iPhone",
        "Verstuurd vanaf mijn Samsung Galaxy smartphone.",
        "Outlook voor Android downloaden",
        "Von meinem iPhone gesendet",
        "Gesendet von meinem Huawei Mobiltelefon",
        "Diese Nachricht wurde von meinem Android-Mobiltelefon mit WEB.DE Mail gesendet.",
        "> Sent from my iPad",
    ] {
        let text = format!("I need help.\n\n{footer}\n");
        assert_eq!(remove_footers(&text), "I need help.\n\n", "{footer}");
    }
}

#[test]
fn sentences_that_only_start_like_a_footer_stay() {
    for text in [
        "Sent from my heart, with all my love.",
        "Envoyé de mon lit, je n'arrive pas à dormir",
        "Sent from my phone because my father took my laptop, and I do not know what to do with my life any more.",
        "Verzonden vanaf school",
        "Outlook for the future: grim.",
    ] {
        assert_eq!(remove_footers(text), text, "{text}");
    }
}

#[test]
fn mailing_list_footers_go_with_their_addresses() {
    let text = concat!(
        "My words.\n\n",
        "You received this message because you are subscribed to the Google Groups \"Parents\" group.\n",
        "To unsubscribe from this group and stop receiving emails from it, send an email to\n",
        "parents+unsubscribe@googlegroups.com.\n",
        "To view this discussion on the web visit\n",
        "https://groups.google.com/d/msgid/parents/PLANTMSGID.\n",
    );
    assert_eq!(remove_footers(text), "My words.\n\n");
    let mailman = "My words.\n_______________________________________________\nParents mailing list\nparents@lists.example.org\nhttps://lists.example.org/mailman/listinfo/parents\n";
    assert_eq!(remove_footers(mailman), "My words.\n");
    let subscribed = "My words.\nYou are subscribed as plantjane@example.org\nI am still here.";
    assert_eq!(remove_footers(subscribed), "My words.\nI am still here.");
    let fr = "Mes mots.\nVous êtes abonné en tant que jane@example.org\nPour vous désabonner : https://x.example/u";
    assert_eq!(remove_footers(fr), "Mes mots.");
}

#[test]
fn work_is_linear_in_the_text() {
    let unit = "text line\nKind regards,\nJane Doe\nSent from my heart\n> quoted\n";
    let cost = |n: usize, f: fn(&str, &mut u64)| {
        let mut work = 0;
        f(&unit.repeat(n), &mut work);
        work
    };
    let val: fn(&str, &mut u64) = |t, w| {
        remove_valediction_counted(t, w);
    };
    let foot: fn(&str, &mut u64) = |t, w| {
        remove_footers_counted(t, w);
    };
    for f in [val, foot] {
        let (small, large) = (cost(500, f), cost(4000, f));
        assert!(large <= small * 10, "{small} then {large}");
    }
    // Many footer starts, each followed by wrapped lines.
    let footer = format!("You are subscribed as {}\n", "x".repeat(70)).repeat(3) + "words\n";
    let cost = |n: usize| {
        let mut work = 0;
        remove_footers_counted(&footer.repeat(n), &mut work);
        work
    };
    assert!(cost(4000) <= cost(500) * 10);
}
