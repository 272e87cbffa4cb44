//! Sentence banks in French, Dutch and English: what people write to a helpline.
//!
//! Sentences may hold slots filled once per message, so a message stays consistent:
//! `{who}` (the person at the heart of the trouble), `{when}` (since when); a capital
//! (`{Who}`, `{When}`) asks for the filler with a capital letter.

/// The language of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Fr,
    Nl,
    En,
}

/// What a message is mostly about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Topic {
    Violence,
    Bullying,
    Anxiety,
    Addiction,
}

/// All topics, for picking one.
pub(crate) const TOPICS: [Topic; 4] = [
    Topic::Violence,
    Topic::Bullying,
    Topic::Anxiety,
    Topic::Addiction,
];

/// Everything written in one language.
#[derive(Debug)]
pub(crate) struct Bank {
    pub greetings: &'static [&'static str],
    pub violence: &'static [&'static str],
    pub bullying: &'static [&'static str],
    pub anxiety: &'static [&'static str],
    pub addiction: &'static [&'static str],
    pub anonymity: &'static [&'static str],
    pub generic: &'static [&'static str],
    pub closings: &'static [&'static str],
    pub signoffs: &'static [&'static str],
    pub who: &'static [&'static str],
    pub when: &'static [&'static str],
    /// What the helpline answered earlier (quoted in replies).
    pub counsellor: &'static [&'static str],
    /// What a friend wrote when passing on the address (quoted in forwards).
    pub friend: &'static [&'static str],
    pub photo_lines: &'static [&'static str],
    pub pdf_lines: &'static [&'static str],
    pub subjects_violence: &'static [&'static str],
    pub subjects_bullying: &'static [&'static str],
    pub subjects_anxiety: &'static [&'static str],
    pub subjects_addiction: &'static [&'static str],
    pub subjects_any: &'static [&'static str],
    pub subject_details: &'static [&'static str],
    pub first_names: &'static [&'static str],
    pub last_names: &'static [&'static str],
    pub sent_from_iphone: &'static str,
    pub sent_from_android: &'static str,
    pub helpline_name: &'static str,
    /// Titles of the documents people attach, and lines written in them.
    pub doc_titles: &'static [(&'static str, &'static str)],
    pub doc_lines: &'static [&'static str],
    pub day_names: [&'static str; 7],
    pub month_names: [&'static str; 12],
}

impl Bank {
    /// The bank for a language.
    pub(crate) fn of(lang: Lang) -> &'static Bank {
        match lang {
            Lang::Fr => &FR,
            Lang::Nl => &NL,
            Lang::En => &EN,
        }
    }

    /// The sentences of a topic.
    pub(crate) fn topic(&self, t: Topic) -> &'static [&'static str] {
        match t {
            Topic::Violence => self.violence,
            Topic::Bullying => self.bullying,
            Topic::Anxiety => self.anxiety,
            Topic::Addiction => self.addiction,
        }
    }

    /// The subject lines of a topic.
    pub(crate) fn subjects(&self, t: Topic) -> &'static [&'static str] {
        match t {
            Topic::Violence => self.subjects_violence,
            Topic::Bullying => self.subjects_bullying,
            Topic::Anxiety => self.subjects_anxiety,
            Topic::Addiction => self.subjects_addiction,
        }
    }
}

/// The first letter in upper case.
pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Fills the slots of a sentence.
pub(crate) fn fill(sentence: &str, who: &str, when: &str) -> String {
    if !sentence.contains('{') {
        return sentence.to_owned();
    }
    sentence
        .replace("{who}", who)
        .replace("{Who}", &capitalise(who))
        .replace("{when}", when)
        .replace("{When}", &capitalise(when))
}

/// A name made ASCII for an address: lower case, accents dropped, spaces removed.
pub(crate) fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = c.to_lowercase().next().unwrap_or(c);
            Some(match c {
                'à' | 'â' | 'ä' | 'á' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'î' | 'ï' | 'í' => 'i',
                'ô' | 'ö' | 'ó' => 'o',
                'ù' | 'û' | 'ü' | 'ú' => 'u',
                'ç' => 'c',
                ' ' | '\'' | '-' => return None,
                c if c.is_ascii_alphanumeric() => c,
                _ => return None,
            })
        })
        .collect()
}

static FR: Bank = Bank {
    greetings: &[
        "Bonjour,",
        "Bonsoir,",
        "Madame, Monsieur,",
        "Bonjour à vous,",
        "Bonjour à toute l'équipe,",
        "Bonsoir à vous,",
    ],
    violence: &[
        "{When}, {who} crie dès qu'il y a le moindre bruit à la maison.",
        "Hier soir, {who} a encore cassé quelque chose dans la cuisine et j'ai eu très peur.",
        "Je dors avec la porte fermée à clé parce que je ne me sens plus en sécurité chez moi.",
        "Ma petite sœur pleure souvent la nuit et je ne sais pas comment la protéger.",
        "{Who} m'a attrapé le bras tellement fort que j'ai encore des marques.",
        "Quand {who} a bu, tout le monde se tait et on attend que ça passe.",
        "J'ai honte de le dire, mais je n'ose plus inviter personne à la maison.",
        "Je ne veux pas que la police vienne, j'ai peur que ce soit encore pire après.",
        "J'ai pris des photos des bleus, au cas où, mais je ne sais pas à qui les montrer.",
        "Ma mère dit que ce n'est pas grave et qu'il faut arrêter d'en parler.",
        "{When}, {who} contrôle mon téléphone et lit tous mes messages.",
        "Je cherche des excuses pour rester le plus tard possible chez des amis.",
    ],
    bullying: &[
        "{When}, un groupe de ma classe se moque de moi tous les jours.",
        "Ils ont créé un groupe sur Snapchat où ils partagent des photos de moi avec des commentaires horribles.",
        "Je fais semblant d'être malade le matin pour ne pas aller à l'école.",
        "À la récréation, je reste aux toilettes pour qu'on me laisse tranquille.",
        "Mon professeur principal a vu ce qui se passait mais il n'a rien dit.",
        "On m'a volé mon sac deux fois et personne ne veut dire ce qu'il a vu.",
        "Je n'ai plus envie de manger et j'ai mal au ventre tous les dimanches soir.",
        "Mes parents pensent que c'est une phase et que ça va passer tout seul.",
        "Quelqu'un a écrit mon prénom sur le mur des toilettes avec des insultes.",
        "J'ai supprimé tous mes réseaux sociaux mais ils continuent par SMS.",
        "Dans le bus du matin, ils me bousculent et tout le monde rigole.",
        "J'ai peur que ça recommence l'année prochaine si je change de classe.",
    ],
    anxiety: &[
        "Je fais des crises d'angoisse presque tous les soirs et j'ai l'impression que mon cœur va lâcher.",
        "Je n'arrive plus à dormir plus de trois ou quatre heures par nuit.",
        "Au travail, je fais semblant que tout va bien mais je pleure dans la voiture en rentrant.",
        "J'ai tout le temps peur qu'il arrive quelque chose de grave à mes proches.",
        "Mon médecin m'a proposé des médicaments mais je n'ose pas les prendre.",
        "Parfois je reste des heures sur mon lit sans pouvoir bouger.",
        "La solitude me pèse énormément, même quand il y a du monde autour de moi.",
        "Je n'ai pas le courage d'en parler à mes amis, ils ont leurs propres problèmes.",
        "{When}, j'évite les transports en commun parce que j'ai peur de faire un malaise.",
        "J'ai cherché un psychologue mais les délais sont de plusieurs mois.",
        "Le dimanche soir, l'idée de la semaine qui recommence me donne la nausée.",
        "J'ai l'impression de décevoir tout le monde, quoi que je fasse.",
    ],
    addiction: &[
        "Je bois tous les soirs pour arriver à m'endormir et je sais que ce n'est pas normal.",
        "{Who} joue aux paris en ligne et a vidé le compte commun le mois dernier.",
        "J'ai essayé d'arrêter le cannabis plusieurs fois mais je recommence toujours au bout de quelques jours.",
        "Je cache les bouteilles pour que mes enfants ne les voient pas.",
        "Je dépense presque tout mon salaire dans les jeux et je n'ose plus ouvrir mon courrier.",
        "{When}, je prends des médicaments qui ne m'ont pas été prescrits.",
        "Je voudrais me faire aider sans que mon employeur l'apprenne.",
        "Quand je ne consomme pas, je deviens irritable et je m'en veux ensuite.",
        "Je ne sais pas si je dois parler de mon problème à mon médecin traitant.",
        "Mes amis boivent autant que moi, alors personne ne trouve ça inquiétant.",
        "J'ai promis d'arrêter à {who} mais je n'ai tenu que deux jours.",
        "Le matin, j'ai les mains qui tremblent tant que je n'ai pas bu un verre.",
    ],
    anonymity: &[
        "Est-ce que ce que je vous écris reste vraiment confidentiel ?",
        "Je préfère ne pas donner mon nom pour l'instant.",
        "Est-ce que vous voyez mon adresse e-mail ou mon numéro de téléphone ?",
        "J'ai créé cette adresse juste pour vous écrire, j'espère que ce n'est pas un problème.",
        "Est-ce que vous êtes obligés de prévenir quelqu'un si je vous raconte tout ?",
        "Je ne veux surtout pas que ma famille sache que je vous ai contactés.",
        "Si je vous envoie une photo, est-ce que quelqu'un d'autre pourra la voir ?",
        "Est-ce que mes messages sont effacés au bout d'un certain temps ?",
    ],
    generic: &[
        "Je ne sais pas vraiment par où commencer.",
        "C'est la première fois que j'écris à ce genre de service.",
        "Une amie m'a donné votre adresse en me disant que je pouvais vous faire confiance.",
        "Pardon si mon message part un peu dans tous les sens.",
        "J'ai besoin de conseils, je ne sais plus quoi faire.",
        "Je n'en ai parlé à personne jusqu'ici.",
        "Ça fait du bien d'écrire tout ça, même si je ne sais pas si ça changera quelque chose.",
        "Je peux vous écrire à nouveau la semaine prochaine si c'est plus simple pour vous.",
        "Je me demande si ma situation est assez grave pour vous déranger.",
        "Est-ce que quelqu'un pourrait me répondre rapidement ?",
    ],
    closings: &[
        "Merci de m'avoir lu jusqu'au bout.",
        "Merci d'avance pour votre réponse.",
        "Merci de prendre le temps de me lire.",
        "J'attends votre réponse, merci.",
        "Je vous remercie pour ce que vous faites.",
    ],
    signoffs: &[
        "Bien à vous,",
        "Cordialement,",
        "Merci,",
        "Bonne soirée,",
        "Bien cordialement,",
    ],
    who: &[
        "mon beau-père",
        "mon père",
        "mon mari",
        "mon copain",
        "mon ex",
        "ma mère",
        "mon grand frère",
        "mon compagnon",
    ],
    when: &[
        "depuis quelques semaines",
        "depuis des mois",
        "depuis l'été",
        "depuis la rentrée",
        "depuis la séparation de mes parents",
        "depuis bientôt deux ans",
        "depuis Noël",
    ],
    counsellor: &[
        "Merci de nous avoir écrit, nous avons bien lu votre message.",
        "Ce que vous vivez n'est pas normal et vous n'en êtes pas responsable.",
        "Vous pouvez nous écrire aussi souvent que vous le souhaitez, de façon anonyme.",
        "Nous ne voyons pas votre adresse et nous ne transmettons rien sans votre accord.",
        "Si vous êtes en danger immédiat, appelez le 17 ou le 112.",
        "Pouvez-vous nous dire si vous avez quelqu'un de confiance autour de vous ?",
        "Prenez le temps qu'il vous faut pour nous répondre.",
        "Nous pouvons aussi vous indiquer des services près de chez vous si vous le souhaitez.",
    ],
    friend: &[
        "Salut, voilà l'adresse de la ligne d'écoute dont je t'ai parlé.",
        "Tu peux leur écrire sans dire qui tu es, ils ne demandent rien.",
        "Je suis là si tu veux en parler, n'hésite pas.",
        "Moi ça m'avait beaucoup aidé l'an dernier.",
        "Prends soin de toi, on se voit demain ?",
    ],
    photo_lines: &[
        "Je vous envoie une photo de mon bras, pour que vous voyiez.",
        "Voici la photo de la porte qui a été cassée.",
        "J'ai pris cette photo hier soir, je ne sais pas si ça peut servir.",
        "Je joins la photo, je préfère que quelqu'un d'autre l'ait aussi.",
    ],
    pdf_lines: &[
        "Je vous joins le document que j'ai rédigé avec toutes les dates.",
        "En pièce jointe, l'attestation que m'a faite mon médecin.",
        "Je vous envoie le récapitulatif que j'ai préparé, c'est plus simple que de tout réécrire.",
        "Voici le courrier que j'ai reçu, je ne comprends pas ce qu'il veut dire pour moi.",
    ],
    subjects_violence: &[
        "Ça ne va pas à la maison",
        "Peur de rentrer chez moi",
        "Urgent – situation à la maison",
        "Violences à la maison",
        "Besoin d'aide pour ma sœur",
        "Mon beau-père",
    ],
    subjects_bullying: &[
        "Harcèlement à l'école",
        "Mon fils est harcelé",
        "On se moque de moi au collège",
        "Harcèlement sur Snapchat",
        "Je ne veux plus aller à l'école",
    ],
    subjects_anxiety: &[
        "Angoisses la nuit",
        "Crises d'angoisse",
        "Je n'arrive plus à dormir",
        "Besoin de parler à quelqu'un",
        "Tout devient trop lourd",
    ],
    subjects_addiction: &[
        "Problème d'alcool",
        "Jeux d'argent",
        "Je n'arrive pas à arrêter",
        "Question sur le cannabis",
        "Mon mari joue en ligne",
    ],
    subjects_any: &[
        "Besoin d'aide",
        "Question sur l'anonymat",
        "Je ne sais plus quoi faire",
        "Est-ce que je peux vous écrire ?",
        "Conseil pour une amie",
        "Question confidentielle",
        "Demande de conseil",
    ],
    subject_details: &[
        "merci de me lire",
        "c'est urgent",
        "pas facile à écrire",
        "depuis la rentrée",
        "ce soir",
        "encore",
        "suite",
        "s'il vous plaît",
        "première fois",
        "je n'ose pas en parler",
    ],
    first_names: &[
        "Amélie", "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Nathalie",
        "Sophie", "Lucas", "Hugo", "Thomas", "Nicolas", "Julien", "Mehdi", "Karim", "Antoine",
        "Théo", "Maxime", "Élodie", "Hélène", "Zoé", "Noémie",
    ],
    last_names: &[
        "Dubois",
        "Martin",
        "Bernard",
        "Lefèvre",
        "Moreau",
        "Laurent",
        "Girard",
        "Roux",
        "Fontaine",
        "Mercier",
        "Chevalier",
        "Lambert",
        "Benali",
        "Haddad",
        "Petit",
        "Rousseau",
        "Garnier",
        "Faure",
        "Lemaire",
        "Dupont",
    ],
    sent_from_iphone: "Envoyé de mon iPhone",
    sent_from_android: "Envoyé de mon appareil Android avec K-9 Mail. Veuillez excuser ma brièveté.",
    helpline_name: "Ligne d'écoute",
    doc_titles: &[
        ("Journal des incidents", "journal_incidents.pdf"),
        ("Attestation", "attestation.pdf"),
        ("Certificat médical", "certificat_medical.pdf"),
        ("Récapitulatif des faits", "recapitulatif.pdf"),
        ("Courrier de l'école", "courrier_ecole.pdf"),
        ("Relevé des messages reçus", "messages_recus.pdf"),
    ],
    doc_lines: &[
        "Je soussigné(e) certifie sur l'honneur l'exactitude des faits rapportés ci-dessous.",
        "Les faits se sont produits au domicile familial, en présence des enfants.",
        "La situation a été signalée à l'infirmière scolaire sans suite à ce jour.",
        "Un arrêt de travail de sept jours a été prescrit suite à la consultation.",
        "Le patient présente des troubles du sommeil et une anxiété importante.",
        "Plusieurs messages menaçants ont été reçus entre 22 h et 2 h du matin.",
        "Aucune plainte n'a été déposée à ce jour par crainte de représailles.",
        "Document établi pour servir et valoir ce que de droit.",
    ],
    day_names: ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
    month_names: [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ],
};

static NL: Bank = Bank {
    greetings: &[
        "Hallo,",
        "Beste,",
        "Goedendag,",
        "Dag,",
        "Beste medewerker,",
        "Hoi,",
    ],
    violence: &[
        "{When} schreeuwt {who} om het minste geluid in huis.",
        "Gisteravond heeft {who} weer iets kapotgegooid in de keuken en ik was echt bang.",
        "Ik slaap met mijn deur op slot omdat ik me thuis niet meer veilig voel.",
        "Mijn kleine zusje huilt vaak 's nachts en ik weet niet hoe ik haar kan beschermen.",
        "{Who} heeft me zo hard bij mijn arm vastgepakt dat ik nog steeds blauwe plekken heb.",
        "Als {who} gedronken heeft, is iedereen stil en wachten we tot het voorbij is.",
        "Ik schaam me om het te zeggen, maar ik durf niemand meer mee naar huis te nemen.",
        "Ik wil niet dat de politie komt, ik ben bang dat het daarna nog erger wordt.",
        "Ik heb foto's gemaakt van de blauwe plekken, voor het geval dat, maar ik weet niet aan wie ik ze moet laten zien.",
        "Mijn moeder zegt dat het niet zo erg is en dat we er niet meer over moeten praten.",
        "{When} controleert {who} mijn telefoon en leest alle berichten.",
        "Ik zoek smoesjes om zo lang mogelijk bij vrienden te blijven.",
    ],
    bullying: &[
        "{When} lacht een groepje uit mijn klas me elke dag uit.",
        "Ze hebben een groepschat gemaakt waarin ze foto's van mij delen met vreselijke opmerkingen.",
        "'s Ochtends doe ik alsof ik ziek ben zodat ik niet naar school hoef.",
        "Tijdens de pauze blijf ik op de wc zodat ze me met rust laten.",
        "Mijn mentor heeft gezien wat er gebeurt, maar hij heeft niets gezegd.",
        "Mijn tas is al twee keer gestolen en niemand wil zeggen wat hij gezien heeft.",
        "Ik heb geen zin meer om te eten en op zondagavond heb ik altijd buikpijn.",
        "Mijn ouders denken dat het een fase is en dat het vanzelf overgaat.",
        "Iemand heeft mijn naam met scheldwoorden op de muur van de wc geschreven.",
        "Ik heb al mijn sociale media verwijderd, maar ze gaan gewoon door via sms.",
        "In de bus 's ochtends duwen ze me en iedereen lacht.",
        "Ik ben bang dat het volgend jaar opnieuw begint, ook als ik van klas verander.",
    ],
    anxiety: &[
        "Ik heb bijna elke avond paniekaanvallen en dan voelt het alsof mijn hart het begeeft.",
        "Ik slaap nog maar drie of vier uur per nacht.",
        "Op mijn werk doe ik alsof alles goed gaat, maar in de auto op weg naar huis huil ik.",
        "Ik ben constant bang dat er iets ergs gebeurt met de mensen van wie ik hou.",
        "Mijn huisarts heeft me medicijnen voorgesteld, maar ik durf ze niet te nemen.",
        "Soms lig ik uren op bed zonder dat ik me kan bewegen.",
        "Ik voel me heel eenzaam, zelfs als er mensen om me heen zijn.",
        "Ik durf er niet met mijn vrienden over te praten, ze hebben hun eigen problemen.",
        "{When} vermijd ik het openbaar vervoer omdat ik bang ben om flauw te vallen.",
        "Ik heb een psycholoog gezocht, maar de wachtlijsten zijn maanden lang.",
        "Op zondagavond word ik misselijk bij de gedachte aan de week die begint.",
        "Ik heb het gevoel dat ik iedereen teleurstel, wat ik ook doe.",
    ],
    addiction: &[
        "Ik drink elke avond om in slaap te kunnen vallen en ik weet dat dat niet normaal is.",
        "{Who} gokt online en heeft vorige maand onze gezamenlijke rekening leeggehaald.",
        "Ik heb al een paar keer geprobeerd te stoppen met blowen, maar na een paar dagen begin ik altijd weer.",
        "Ik verstop de flessen zodat mijn kinderen ze niet zien.",
        "Ik geef bijna mijn hele loon uit aan gokken en ik durf mijn post niet meer open te maken.",
        "{When} neem ik medicijnen die niet voor mij voorgeschreven zijn.",
        "Ik wil graag hulp, maar zonder dat mijn werkgever het te weten komt.",
        "Als ik niets gebruik, word ik prikkelbaar en daarna voel ik me schuldig.",
        "Ik weet niet of ik mijn probleem bij mijn huisarts moet aankaarten.",
        "Mijn vrienden drinken net zo veel als ik, dus niemand vindt het zorgwekkend.",
        "Ik heb {who} beloofd te stoppen, maar ik heb het maar twee dagen volgehouden.",
        "'s Ochtends trillen mijn handen tot ik een glas gedronken heb.",
    ],
    anonymity: &[
        "Blijft wat ik jullie schrijf echt vertrouwelijk?",
        "Ik geef liever nog niet mijn naam.",
        "Kunnen jullie mijn e-mailadres of telefoonnummer zien?",
        "Ik heb dit adres speciaal aangemaakt om jullie te schrijven, ik hoop dat dat geen probleem is.",
        "Moeten jullie iemand inlichten als ik alles vertel?",
        "Ik wil absoluut niet dat mijn familie weet dat ik contact met jullie heb opgenomen.",
        "Als ik een foto stuur, kan iemand anders die dan zien?",
        "Worden mijn berichten na een tijdje verwijderd?",
    ],
    generic: &[
        "Ik weet niet goed waar ik moet beginnen.",
        "Het is de eerste keer dat ik naar zo'n dienst schrijf.",
        "Een vriendin gaf me jullie adres en zei dat ik jullie kon vertrouwen.",
        "Sorry als mijn bericht een beetje van de hak op de tak springt.",
        "Ik heb advies nodig, ik weet het echt niet meer.",
        "Ik heb er tot nu toe met niemand over gepraat.",
        "Het doet goed om dit allemaal op te schrijven, ook al weet ik niet of het iets verandert.",
        "Ik kan volgende week opnieuw schrijven als dat makkelijker is voor jullie.",
        "Ik vraag me af of mijn situatie wel erg genoeg is om jullie lastig te vallen.",
        "Kan iemand me snel antwoorden?",
    ],
    closings: &[
        "Bedankt om mijn bericht te lezen.",
        "Alvast bedankt voor jullie antwoord.",
        "Bedankt dat jullie de tijd nemen om dit te lezen.",
        "Ik hoop snel iets van jullie te horen.",
        "Bedankt voor wat jullie doen.",
    ],
    signoffs: &[
        "Groetjes,",
        "Met vriendelijke groet,",
        "Groeten,",
        "Vriendelijke groeten,",
        "Alvast bedankt,",
    ],
    who: &[
        "mijn stiefvader",
        "mijn vader",
        "mijn man",
        "mijn vriend",
        "mijn ex",
        "mijn moeder",
        "mijn oudere broer",
        "mijn partner",
    ],
    when: &[
        "al een paar weken",
        "al maanden",
        "sinds de zomer",
        "sinds het begin van het schooljaar",
        "sinds de scheiding van mijn ouders",
        "al bijna twee jaar",
        "sinds Kerstmis",
    ],
    counsellor: &[
        "Bedankt dat je ons geschreven hebt, we hebben je bericht goed gelezen.",
        "Wat je meemaakt is niet normaal en het is niet jouw schuld.",
        "Je kan ons zo vaak schrijven als je wil, anoniem.",
        "Wij zien je adres niet en we geven niets door zonder jouw toestemming.",
        "Als je in direct gevaar bent, bel dan 112.",
        "Kan je ons vertellen of er iemand in je omgeving is die je vertrouwt?",
        "Neem gerust de tijd om te antwoorden.",
        "We kunnen je ook hulpverlening in je buurt aanraden als je dat wil.",
    ],
    friend: &[
        "Hoi, hier is het adres van de hulplijn waar ik je over vertelde.",
        "Je kan ze schrijven zonder te zeggen wie je bent, ze vragen niets.",
        "Ik ben er als je erover wil praten, echt.",
        "Mij heeft het vorig jaar veel geholpen.",
        "Zorg goed voor jezelf, zien we elkaar morgen?",
    ],
    photo_lines: &[
        "Ik stuur een foto van mijn arm mee zodat jullie het kunnen zien.",
        "Hier is de foto van de deur die kapotgemaakt is.",
        "Ik heb deze foto gisteravond genomen, ik weet niet of jullie er iets aan hebben.",
        "Ik stuur de foto mee, ik wil dat iemand anders hem ook heeft.",
    ],
    pdf_lines: &[
        "In bijlage het document dat ik heb opgesteld met alle data.",
        "In de bijlage vinden jullie het attest van mijn huisarts.",
        "Ik stuur het overzicht mee dat ik gemaakt heb, dat is makkelijker dan alles opnieuw te typen.",
        "Hier is de brief die ik kreeg, ik begrijp niet wat die voor mij betekent.",
    ],
    subjects_violence: &[
        "Het gaat niet goed thuis",
        "Bang om naar huis te gaan",
        "Dringend – situatie thuis",
        "Geweld thuis",
        "Hulp nodig voor mijn zus",
        "Mijn stiefvader",
    ],
    subjects_bullying: &[
        "Gepest op school",
        "Mijn zoon wordt gepest",
        "Ze lachen me uit op school",
        "Pesten via Snapchat",
        "Ik wil niet meer naar school",
    ],
    subjects_anxiety: &[
        "Angst 's nachts",
        "Paniekaanvallen",
        "Ik kan niet meer slapen",
        "Even met iemand praten",
        "Alles wordt te zwaar",
    ],
    subjects_addiction: &[
        "Probleem met drank",
        "Gokken",
        "Ik krijg het niet gestopt",
        "Vraag over blowen",
        "Mijn man gokt online",
    ],
    subjects_any: &[
        "Hulp nodig",
        "Vraag over anonimiteit",
        "Ik weet het niet meer",
        "Mag ik jullie schrijven?",
        "Advies voor een vriendin",
        "Vertrouwelijke vraag",
        "Vraag om advies",
    ],
    subject_details: &[
        "graag lezen",
        "dringend",
        "niet makkelijk om te schrijven",
        "sinds september",
        "vanavond",
        "opnieuw",
        "vervolg",
        "alsjeblieft",
        "eerste keer",
        "ik durf het niet te zeggen",
    ],
    first_names: &[
        "Anouk", "Sanne", "Lotte", "Emma", "Julia", "Fleur", "Eva", "Lieke", "Noor", "Fatima",
        "Daan", "Sem", "Lars", "Bram", "Thijs", "Jens", "Wout", "Pieter", "Youssef", "Ruben",
        "Eline", "Marieke", "Femke", "Kobe",
    ],
    last_names: &[
        "de Vries",
        "Jansen",
        "Peeters",
        "Janssens",
        "Maes",
        "Claes",
        "Willems",
        "Bakker",
        "Visser",
        "Smit",
        "Meijer",
        "de Jong",
        "Mertens",
        "Wouters",
        "Vermeulen",
        "van Dijk",
        "El Amrani",
        "Goossens",
        "Hendrikx",
        "Bos",
    ],
    sent_from_iphone: "Verstuurd vanaf mijn iPhone",
    sent_from_android: "Verzonden vanaf mijn Android-apparaat met K-9 Mail.",
    helpline_name: "Hulplijn",
    doc_titles: &[
        ("Overzicht van de incidenten", "overzicht_incidenten.pdf"),
        ("Attest", "attest.pdf"),
        ("Medisch attest", "medisch_attest.pdf"),
        ("Verslag", "verslag.pdf"),
        ("Brief van de school", "brief_school.pdf"),
        ("Ontvangen berichten", "berichten.pdf"),
    ],
    doc_lines: &[
        "Ondergetekende verklaart dat de hieronder beschreven feiten juist zijn.",
        "De feiten vonden plaats in de gezinswoning, in aanwezigheid van de kinderen.",
        "De situatie werd gemeld bij de vertrouwenspersoon van de school, tot nu toe zonder gevolg.",
        "Na de consultatie werd een arbeidsongeschiktheid van zeven dagen voorgeschreven.",
        "De patiënt vertoont slaapproblemen en een uitgesproken angst.",
        "Tussen 22 uur en 2 uur 's nachts werden meerdere dreigende berichten ontvangen.",
        "Uit angst voor represailles werd tot op heden geen klacht ingediend.",
        "Opgemaakt om te dienen waar en wanneer nodig.",
    ],
    day_names: ["ma", "di", "wo", "do", "vr", "za", "zo"],
    month_names: [
        "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ],
};

static EN: Bank = Bank {
    greetings: &[
        "Hello,",
        "Hi,",
        "Dear helpline,",
        "Good evening,",
        "To whom it may concern,",
        "Hi there,",
    ],
    violence: &[
        "{When} {who} has been shouting at the slightest noise in the house.",
        "Last night {who} smashed something in the kitchen again and I was really scared.",
        "I sleep with my door locked because I don't feel safe at home any more.",
        "My little sister often cries at night and I don't know how to protect her.",
        "{Who} grabbed my arm so hard that I still have marks.",
        "When {who} has been drinking, everyone goes quiet and we wait for it to pass.",
        "I'm ashamed to say it, but I don't dare bring anyone home any more.",
        "I don't want the police to come round, I'm afraid it will be even worse afterwards.",
        "I took photos of the bruises, just in case, but I don't know who to show them to.",
        "My mum says it's not that bad and that we should stop talking about it.",
        "{When} {who} has been checking my phone and reading all my messages.",
        "I make up excuses to stay at friends' houses as late as I can.",
    ],
    bullying: &[
        "{When} a group from my class has been making fun of me every single day.",
        "They made a group chat where they share photos of me with horrible comments.",
        "In the morning I pretend to be ill so I don't have to go to school.",
        "At break time I stay in the toilets so they leave me alone.",
        "My form tutor saw what was happening but didn't say anything.",
        "My bag has been stolen twice and nobody wants to say what they saw.",
        "I don't feel like eating any more and I get stomach aches every Sunday evening.",
        "My parents think it's a phase and that it will sort itself out.",
        "Someone wrote my name on the toilet wall with insults next to it.",
        "I deleted all my social media but they keep going by text.",
        "On the bus in the morning they push me around and everyone laughs.",
        "I'm scared it will start again next year even if I change classes.",
    ],
    anxiety: &[
        "I have panic attacks almost every evening and it feels like my heart is going to give out.",
        "I can't sleep more than three or four hours a night.",
        "At work I pretend everything is fine, but I cry in the car on the way home.",
        "I'm constantly afraid that something terrible will happen to the people I love.",
        "My GP offered me medication but I'm scared to take it.",
        "Sometimes I lie on my bed for hours without being able to move.",
        "I feel very lonely, even when there are people around me.",
        "I don't dare talk to my friends about it, they have their own problems.",
        "{When} I have been avoiding public transport because I'm afraid of fainting.",
        "I looked for a therapist but the waiting lists are months long.",
        "On Sunday evenings the thought of the week starting again makes me feel sick.",
        "I feel like I'm letting everyone down, whatever I do.",
    ],
    addiction: &[
        "I drink every evening to be able to fall asleep and I know that isn't normal.",
        "{Who} gambles online and emptied our joint account last month.",
        "I've tried to stop smoking weed several times but I always start again after a few days.",
        "I hide the bottles so my children don't see them.",
        "I spend almost all my wages on betting and I don't dare open my post any more.",
        "{When} I have been taking pills that were not prescribed for me.",
        "I would like to get help without my employer finding out.",
        "When I don't use, I get irritable and then I hate myself for it.",
        "I don't know whether I should talk to my GP about my problem.",
        "My friends drink as much as I do, so nobody thinks it's worrying.",
        "I promised {who} I would stop, but I only lasted two days.",
        "In the morning my hands shake until I've had a drink.",
    ],
    anonymity: &[
        "Does what I write to you really stay confidential?",
        "I'd rather not give my name for now.",
        "Can you see my email address or my phone number?",
        "I made this address just to write to you, I hope that's not a problem.",
        "Do you have to tell anyone if I tell you everything?",
        "I really don't want my family to know I've contacted you.",
        "If I send you a photo, will anyone else be able to see it?",
        "Are my messages deleted after a while?",
    ],
    generic: &[
        "I don't really know where to start.",
        "This is the first time I've written to a service like this.",
        "A friend gave me your address and said I could trust you.",
        "Sorry if my message is a bit all over the place.",
        "I need some advice, I really don't know what to do any more.",
        "I haven't told anyone about this until now.",
        "It helps to write all this down, even if I don't know whether it will change anything.",
        "I can write again next week if that's easier for you.",
        "I wonder whether my situation is serious enough to bother you with.",
        "Could someone get back to me soon?",
    ],
    closings: &[
        "Thank you for reading this far.",
        "Thanks in advance for your reply.",
        "Thank you for taking the time to read this.",
        "I look forward to hearing from you.",
        "Thank you for what you do.",
    ],
    signoffs: &[
        "Best wishes,",
        "Kind regards,",
        "Thanks,",
        "Regards,",
        "Take care,",
    ],
    who: &[
        "my stepdad",
        "my dad",
        "my husband",
        "my boyfriend",
        "my ex",
        "my mum",
        "my older brother",
        "my partner",
    ],
    when: &[
        "for a few weeks now",
        "for months",
        "since the summer",
        "since school started again",
        "since my parents split up",
        "for almost two years",
        "since Christmas",
    ],
    counsellor: &[
        "Thank you for writing to us, we have read your message carefully.",
        "What you are going through is not normal and it is not your fault.",
        "You can write to us as often as you like, anonymously.",
        "We cannot see your address and we pass nothing on without your agreement.",
        "If you are in immediate danger, please call 999 or 112.",
        "Could you tell us whether there is someone you trust around you?",
        "Take all the time you need to reply.",
        "We can also point you to services near you if you would like.",
    ],
    friend: &[
        "Hey, here's the address of the helpline I told you about.",
        "You can write to them without saying who you are, they don't ask.",
        "I'm here if you want to talk about it, honestly.",
        "It helped me a lot last year.",
        "Look after yourself, see you tomorrow?",
    ],
    photo_lines: &[
        "I'm attaching a photo of my arm so you can see.",
        "Here is the photo of the door that got smashed.",
        "I took this photo last night, I don't know if it helps.",
        "I'm sending the photo because I want someone else to have it too.",
    ],
    pdf_lines: &[
        "I've attached the document I wrote with all the dates.",
        "Attached is the letter my doctor wrote for me.",
        "I'm sending the summary I put together, it's easier than typing it all again.",
        "Here is the letter I received, I don't understand what it means for me.",
    ],
    subjects_violence: &[
        "Things are bad at home",
        "Scared to go home",
        "Urgent - situation at home",
        "Abuse at home",
        "Need help for my sister",
        "My stepdad",
    ],
    subjects_bullying: &[
        "Bullying at school",
        "My son is being bullied",
        "They make fun of me at school",
        "Bullying on Snapchat",
        "I don't want to go to school any more",
    ],
    subjects_anxiety: &[
        "Anxiety at night",
        "Panic attacks",
        "Can't sleep any more",
        "Need to talk to someone",
        "Everything is too much",
    ],
    subjects_addiction: &[
        "Drinking problem",
        "Gambling",
        "I can't stop",
        "Question about cannabis",
        "My husband gambles online",
    ],
    subjects_any: &[
        "Need help",
        "Question about anonymity",
        "I don't know what to do",
        "Can I write to you?",
        "Advice for a friend",
        "Confidential question",
        "Asking for advice",
    ],
    subject_details: &[
        "please read",
        "urgent",
        "not easy to write",
        "since September",
        "tonight",
        "again",
        "follow-up",
        "please",
        "first time",
        "I can't tell anyone",
    ],
    first_names: &[
        "Emily", "Olivia", "Sophie", "Chloe", "Jessica", "Hannah", "Megan", "Amy", "Priya",
        "Aisha", "Jack", "Harry", "Oliver", "James", "Daniel", "Ryan", "Liam", "Callum",
        "Mohammed", "Ethan", "Lucy", "Zoe", "Grace", "Niamh",
    ],
    last_names: &[
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Evans",
        "Thomas", "Roberts", "Walker", "Wright", "Patel", "Khan", "Hughes", "Edwards", "Green",
        "Hall", "Clarke",
    ],
    sent_from_iphone: "Sent from my iPhone",
    sent_from_android: "Sent from my Android device with K-9 Mail. Please excuse my brevity.",
    helpline_name: "Helpline",
    doc_titles: &[
        ("Incident log", "incident_log.pdf"),
        ("Statement", "statement.pdf"),
        ("Letter from my GP", "gp_letter.pdf"),
        ("Summary of events", "summary.pdf"),
        ("Letter from school", "school_letter.pdf"),
        ("Messages received", "messages.pdf"),
    ],
    doc_lines: &[
        "I confirm that the facts set out below are true to the best of my knowledge.",
        "The incidents took place at the family home, with the children present.",
        "The situation was reported to the school's safeguarding lead, with no outcome so far.",
        "A fit note for seven days was issued following the appointment.",
        "The patient reports difficulty sleeping and marked anxiety.",
        "Several threatening messages were received between 10 pm and 2 am.",
        "No complaint has been made to the police so far, for fear of reprisals.",
        "This statement is made for whatever purpose it may serve.",
    ],
    day_names: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    month_names: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_has_at_least_thirty_sentences_and_slots_fill() {
        for lang in [Lang::Fr, Lang::Nl, Lang::En] {
            let b = Bank::of(lang);
            let n: usize = TOPICS.iter().map(|t| b.topic(*t).len()).sum::<usize>()
                + b.anonymity.len()
                + b.generic.len();
            assert!(n >= 30, "{lang:?}: {n}");
            for s in TOPICS.iter().flat_map(|t| b.topic(*t).iter()) {
                let f = fill(s, b.who[0], b.when[0]);
                assert!(!f.contains('{'), "{f}");
                assert!(f.chars().next().unwrap().is_uppercase() || f.starts_with('\''));
            }
        }
    }

    #[test]
    fn ascii_fold_keeps_letters() {
        assert_eq!(ascii_fold("Élodie"), "elodie");
        assert_eq!(ascii_fold("de Vries"), "devries");
        assert_eq!(ascii_fold("Lefèvre"), "lefevre");
    }
}
