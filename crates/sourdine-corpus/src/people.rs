//! Writers (names, addresses, phones, places), mail clients and cameras.

use super::mime::When;
use super::rng::{ALNUM, Rng, UPPER_NUM};
use super::text::{Bank, Lang, ascii_fold};

/// The mail client a message imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Client {
    Thunderbird,
    Outlook,
    Gmail,
    AppleMail,
    K9,
}

/// Where the writer lives (phone format, time zone, places, providers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Country {
    France,
    Belgium,
    Netherlands,
    Uk,
}

/// One writer: a distinct person for every message index.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub lang: Lang,
    pub country: Country,
    pub client: Client,
    pub first: &'static str,
    pub display: String,
    pub addr: String,
    pub domain: &'static str,
    pub phone: String,
}

impl Person {
    /// A writer for message `index`; the address carries the index, so it is unique.
    pub(crate) fn new(rng: &mut Rng, index: u64) -> Person {
        let lang = match rng.below(10) {
            0..=3 => Lang::Fr,
            4..=6 => Lang::Nl,
            _ => Lang::En,
        };
        let country = match lang {
            Lang::Fr if rng.chance(1, 4) => Country::Belgium,
            Lang::Fr => Country::France,
            Lang::Nl if rng.chance(1, 2) => Country::Belgium,
            Lang::Nl => Country::Netherlands,
            Lang::En => Country::Uk,
        };
        let client = match rng.below(100) {
            0..=29 => Client::Gmail,
            30..=54 => Client::Outlook,
            55..=71 => Client::AppleMail,
            72..=88 => Client::Thunderbird,
            _ => Client::K9,
        };
        let bank = Bank::of(lang);
        let first = *rng.pick(bank.first_names);
        let last = *rng.pick(bank.last_names);
        let (f, l) = (ascii_fold(first), ascii_fold(last));
        // Letters, then the index's digits: different indices never give the same address.
        let local = match rng.below(4) {
            0 => format!("{f}.{l}{index}"),
            1 => format!("{}{l}{index}", &f[..1]),
            2 => format!("{f}_{l}{index}"),
            _ => format!("{f}{}{index}", &l[..1]),
        };
        let domain = *rng.pick(domains(client, country));
        let phone = phone(rng, country);
        Person {
            lang,
            country,
            client,
            first,
            display: format!("{first} {last}"),
            addr: format!("{local}@{domain}"),
            domain,
            phone,
        }
    }
}

fn domains(client: Client, country: Country) -> &'static [&'static str] {
    match (client, country) {
        (Client::Gmail, _) => &["gmail.com"],
        (Client::AppleMail, _) => &["icloud.com", "icloud.com", "me.com"],
        (Client::Outlook, Country::France) => &["hotmail.fr", "outlook.fr", "live.fr"],
        (Client::Outlook, Country::Belgium) => &["hotmail.be", "outlook.be", "hotmail.com"],
        (Client::Outlook, Country::Netherlands) => &["hotmail.nl", "outlook.com", "live.nl"],
        (Client::Outlook, Country::Uk) => &["hotmail.co.uk", "outlook.com", "live.co.uk"],
        (_, Country::France) => &["orange.fr", "free.fr", "laposte.net", "sfr.fr"],
        (_, Country::Belgium) => &["telenet.be", "skynet.be", "proximus.be"],
        (_, Country::Netherlands) => &["ziggo.nl", "kpnmail.nl", "xs4all.nl"],
        (_, Country::Uk) => &["btinternet.com", "virginmedia.com", "sky.com"],
    }
}

fn digits(rng: &mut Rng, n: usize) -> String {
    rng.chars(b"0123456789", n)
}

/// A phone number as people write it in a signature (fiction ranges where they exist).
fn phone(rng: &mut Rng, country: Country) -> String {
    match country {
        Country::France => {
            let (a, b) = (rng.below(100), rng.below(100));
            if rng.chance(1, 3) {
                format!("+33 6 39 98 {a:02} {b:02}")
            } else {
                format!("06 39 98 {a:02} {b:02}")
            }
        }
        Country::Belgium => format!(
            "+32 4{} {} {} {}",
            digits(rng, 2),
            digits(rng, 2),
            digits(rng, 2),
            digits(rng, 2)
        ),
        Country::Netherlands => {
            if rng.chance(1, 2) {
                format!("06-{}", digits(rng, 8))
            } else {
                format!("+31 6 {} {}", digits(rng, 4), digits(rng, 4))
            }
        }
        Country::Uk => format!("07700 900{}", digits(rng, 3)),
    }
}

/// A time when people write: evenings and nights more than mornings, 2024–2025.
pub(crate) fn message_time(rng: &mut Rng, country: Country) -> When {
    const HOURS: [u32; 24] = [
        4, 3, 2, 1, 1, 1, 2, 3, 4, 5, 5, 5, 6, 5, 5, 5, 6, 7, 8, 9, 10, 10, 9, 7,
    ];
    let days = 19_723 + rng.below(731) as i64; // 2024-01-01 ..= 2025-12-31
    let total: u32 = HOURS.iter().sum();
    let mut pick = rng.below(u64::from(total)) as u32;
    let mut hour = 0;
    for (h, w) in HOURS.iter().enumerate() {
        if pick < *w {
            hour = h as u32;
            break;
        }
        pick -= w;
    }
    let secs = hour * 3600 + rng.below(3600) as u32;
    let (_, month, _) = super::mime::civil_from_days(days);
    let summer = (4..=10).contains(&month);
    let offset_min = match country {
        Country::Uk if rng.chance(1, 12) => -300,
        Country::Uk => {
            if summer {
                60
            } else {
                0
            }
        }
        _ => {
            if summer {
                120
            } else {
                60
            }
        }
    };
    When {
        days,
        secs,
        offset_min,
    }
}

/// Places people live, in millionths of a degree (latitude, longitude), by country.
fn cities(country: Country) -> &'static [(i64, i64)] {
    match country {
        Country::France => &[
            (48_856_613, 2_352_222),  // Paris
            (45_764_043, 4_835_659),  // Lyon
            (50_629_250, 3_057_256),  // Lille
            (43_296_482, 5_369_780),  // Marseille
            (47_218_371, -1_553_621), // Nantes
            (43_604_652, 1_444_209),  // Toulouse
        ],
        Country::Belgium => &[
            (50_850_346, 4_351_721), // Bruxelles
            (50_632_557, 5_579_666), // Liège
            (51_054_342, 3_717_424), // Gent
            (51_219_448, 4_402_464), // Antwerpen
            (50_465_240, 4_867_070), // Namur
        ],
        Country::Netherlands => &[
            (52_367_573, 4_904_139), // Amsterdam
            (51_924_420, 4_477_733), // Rotterdam
            (52_090_737, 5_121_420), // Utrecht
            (51_441_642, 5_469_722), // Eindhoven
            (53_219_383, 6_566_502), // Groningen
        ],
        Country::Uk => &[
            (51_507_351, -127_758),   // London
            (53_480_759, -2_242_631), // Manchester
            (53_800_755, -1_549_077), // Leeds
            (51_454_513, -2_587_910), // Bristol
            (52_486_243, -1_890_401), // Birmingham
        ],
    }
}

/// A position near where the writer lives.
pub(crate) fn position(rng: &mut Rng, country: Country) -> (i64, i64) {
    let (lat, lon) = *rng.pick(cities(country));
    let j = |r: &mut Rng| r.below(40_001) as i64 - 20_000;
    (lat + j(rng), lon + j(rng))
}

/// A camera: make, model, software, lens, and how it names its files.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Camera {
    pub make: &'static str,
    pub model: &'static str,
    pub software: &'static str,
    pub lens: &'static str,
    pub naming: Naming,
}

/// File name patterns of cameras and phones.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Naming {
    /// `IMG_4032.JPG`
    Img,
    /// `20240603_102312.jpg`
    Samsung,
    /// `PXL_20240603_102312345.jpg`
    Pixel,
    /// `DSC_0412.JPG`
    Nikon,
    /// `DSCF1234.JPG`
    Fuji,
}

const IPHONES: &[Camera] = &[
    Camera {
        make: "Apple",
        model: "iPhone 13",
        software: "17.5.1",
        lens: "iPhone 13 back dual wide camera 5.1mm f/1.6",
        naming: Naming::Img,
    },
    Camera {
        make: "Apple",
        model: "iPhone 14",
        software: "17.6.1",
        lens: "iPhone 14 back dual wide camera 5.7mm f/1.5",
        naming: Naming::Img,
    },
    Camera {
        make: "Apple",
        model: "iPhone 15 Pro",
        software: "18.1",
        lens: "iPhone 15 Pro back triple camera 6.765mm f/1.78",
        naming: Naming::Img,
    },
    Camera {
        make: "Apple",
        model: "iPhone SE (3rd generation)",
        software: "17.4",
        lens: "iPhone SE (3rd generation) back camera 3.99mm f/1.8",
        naming: Naming::Img,
    },
];

const ANDROIDS: &[Camera] = &[
    Camera {
        make: "samsung",
        model: "SM-S911B",
        software: "S911BXXS3BXE1",
        lens: "Samsung Galaxy S23 Rear Wide Camera",
        naming: Naming::Samsung,
    },
    Camera {
        make: "samsung",
        model: "SM-A546B",
        software: "A546BXXU4BXD4",
        lens: "Samsung Galaxy A54 Rear Camera",
        naming: Naming::Samsung,
    },
    Camera {
        make: "Google",
        model: "Pixel 7",
        software: "HDR+ 1.0.540104767zd",
        lens: "Pixel 7 back camera 6.81mm f/1.85",
        naming: Naming::Pixel,
    },
];

const CAMERAS: &[Camera] = &[
    Camera {
        make: "Canon",
        model: "Canon EOS 250D",
        software: "Firmware Version 1.0.2",
        lens: "EF-S18-55mm f/4-5.6 IS STM",
        naming: Naming::Img,
    },
    Camera {
        make: "NIKON CORPORATION",
        model: "NIKON D3500",
        software: "Ver.1.20",
        lens: "18.0-55.0 mm f/3.5-5.6",
        naming: Naming::Nikon,
    },
    Camera {
        make: "FUJIFILM",
        model: "X-T30",
        software: "Digital Camera X-T30 Ver2.01",
        lens: "XF18-55mmF2.8-4 R LM OIS",
        naming: Naming::Fuji,
    },
];

/// The camera a writer with this client most likely used.
pub(crate) fn camera(rng: &mut Rng, client: Client) -> Camera {
    let set = match client {
        Client::AppleMail => IPHONES,
        Client::K9 => ANDROIDS,
        _ => match rng.below(10) {
            0..=3 => ANDROIDS,
            4..=7 => IPHONES,
            _ => CAMERAS,
        },
    };
    *rng.pick(set)
}

/// A serial number in the camera maker's style.
pub(crate) fn serial(rng: &mut Rng, cam: &Camera) -> String {
    match cam.make {
        "Apple" => rng.chars(UPPER_NUM, 12),
        "samsung" => format!("R5C{}", rng.chars(UPPER_NUM, 8)),
        "Google" => rng.chars(ALNUM, 14).to_uppercase(),
        _ => rng.chars(b"0123456789", 12),
    }
}

/// The photo's file name.
pub(crate) fn photo_name(rng: &mut Rng, cam: &Camera, when: &When) -> String {
    let (y, m, d) = when.ymd();
    let (hh, mm, ss) = when.hms();
    match cam.naming {
        Naming::Img => format!("IMG_{:04}.JPG", rng.below(10_000)),
        Naming::Samsung => format!("{y:04}{m:02}{d:02}_{hh:02}{mm:02}{ss:02}.jpg"),
        Naming::Pixel => format!(
            "PXL_{y:04}{m:02}{d:02}_{hh:02}{mm:02}{ss:02}{:03}.jpg",
            rng.below(1000)
        ),
        Naming::Nikon => format!("DSC_{:04}.JPG", rng.below(10_000)),
        Naming::Fuji => format!("DSCF{:04}.JPG", rng.below(10_000)),
    }
}
