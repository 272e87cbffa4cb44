use super::*;
use AttachmentKind as K;

fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    // A minimal stored zip with a central directory.
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in members {
        let offset = out.len() as u32;
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        central.extend_from_slice(&(data.len() as u32).to_le_bytes());
        central.extend_from_slice(&(data.len() as u32).to_le_bytes());
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&(members.len() as u16).to_le_bytes());
    out.extend_from_slice(&(members.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

#[test]
fn image_magics() {
    assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], None), K::Jpeg);
    assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", None), K::Png);
    assert_eq!(sniff(b"GIF89a\x01\0\x01\0", None), K::Gif);
    assert_eq!(sniff(b"GIF87a\x01\0\x01\0", None), K::Gif);
    assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 ", None), K::Webp);
    assert_eq!(sniff(b"RIFF\x24\0\0\0WAVEfmt ", None), K::Other);
    assert_eq!(sniff(b"II*\0\x08\0\0\0", None), K::Tiff);
    assert_eq!(sniff(b"MM\0*\0\0\0\x08", None), K::Tiff);
    assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", None), K::Heic);
    assert_eq!(sniff(b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic", None), K::Heic);
    assert_eq!(
        sniff(b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf", None),
        K::Other
    );
    assert_eq!(sniff(b"\0\0\0\x18ftypisom\0\0\0\0isomiso2", None), K::Other);
}

#[test]
fn pdf_with_and_without_leading_junk() {
    assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", None), K::Pdf);
    let mut junk = vec![b'x'; 500];
    junk.extend_from_slice(b"%PDF-1.4\n\xff\xfe");
    assert_eq!(sniff(&junk, None), K::Pdf);
    let mut far = vec![b'x'; 2000];
    far.extend_from_slice(b"%PDF-1.4\n");
    assert_eq!(sniff(&far, None), K::Text);
}

#[test]
fn zip_family() {
    let ct: (&str, &[u8]) = ("[Content_Types].xml", b"<Types/>");
    assert_eq!(
        sniff(&zip(&[ct, ("word/document.xml", b"<w/>")]), None),
        K::Docx
    );
    assert_eq!(
        sniff(&zip(&[ct, ("xl/workbook.xml", b"<x/>")]), None),
        K::Xlsx
    );
    assert_eq!(
        sniff(&zip(&[ct, ("ppt/presentation.xml", b"<p/>")]), None),
        K::Pptx
    );
    let odf = |t: &str| {
        zip(&[
            (
                "mimetype",
                format!("application/vnd.oasis.opendocument.{t}").as_bytes(),
            ),
            ("content.xml", b"<c/>"),
        ])
    };
    assert_eq!(sniff(&odf("text"), None), K::Odt);
    assert_eq!(sniff(&odf("spreadsheet"), None), K::Ods);
    assert_eq!(sniff(&odf("presentation"), None), K::Odp);
    assert_eq!(sniff(&odf("text-template"), None), K::Zip);
    assert_eq!(sniff(&zip(&[("a.txt", b"hello")]), None), K::Zip);
    // A member merely named like a marker in a plain archive is not enough.
    assert_eq!(sniff(&zip(&[("word/document.xml", b"x")]), None), K::Zip);
    // Declared types do not change a zip into a document.
    assert_eq!(
        sniff(
            &zip(&[("a.txt", b"hello")]),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        ),
        K::Zip
    );
    // Truncated central directory: the local headers still tell.
    let mut z = zip(&[ct, ("word/document.xml", b"<w/>")]);
    z.truncate(z.len() - 22);
    assert_eq!(sniff(&z, None), K::Docx);
}

#[test]
fn identity_formats() {
    assert_eq!(
        sniff(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:J\r\nEND:VCARD\r\n", None),
        K::VCard
    );
    assert_eq!(
        sniff(b"\xEF\xBB\xBF  begin:vcard\n", Some("text/plain")),
        K::VCard
    );
    assert_eq!(
        sniff(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", None),
        K::Calendar
    );
    assert_eq!(sniff(&[0x78, 0x9F, 0x3E, 0x22, 0x01, 0x00], None), K::Tnef);
}

#[test]
fn pgp_and_smime() {
    assert_eq!(
        sniff(b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQIN\n", None),
        K::PgpKey
    );
    assert_eq!(
        sniff(b"\n-----BEGIN PGP SIGNATURE-----\n\niQIz\n", None),
        K::PgpSignature
    );
    assert_eq!(
        sniff(b"-----BEGIN PGP MESSAGE-----\n\nhQIM\n", None),
        K::PgpEncrypted
    );
    // Binary packets: old-format public key (0x99), signature (0x89), PKESK (0x85), and
    // new-format SEIPD.
    assert_eq!(sniff(&[0x99, 0x01, 0x0D, 0x04, 0x5A], None), K::PgpKey);
    assert_eq!(
        sniff(&[0x89, 0x02, 0x33, 0x04, 0x00], None),
        K::PgpSignature
    );
    assert_eq!(
        sniff(&[0x85, 0x02, 0x0C, 0x03, 0x11], None),
        K::PgpEncrypted
    );
    assert_eq!(sniff(&[0xD2, 0x40, 0x01, 0x09], None), K::PgpEncrypted);
    assert_eq!(sniff(&[0x99, 0x01, 0x0D, 0x77, 0x5A], None), K::Other);
    // Declared types name ambiguous bytes only.
    assert_eq!(
        sniff(b"iQIzBAEBCAAdFiEE", Some("application/pgp-signature")),
        K::PgpSignature
    );
    assert_eq!(
        sniff(b"Version: 1\r\n", Some("application/pgp-encrypted")),
        K::PgpEncrypted
    );
    assert_eq!(
        sniff(b"<html>x", Some("application/autocrypt-setup")),
        K::PgpKey
    );
    assert_eq!(sniff(b"<html>x", Some("image/png")), K::Html);
    assert_eq!(
        sniff(b"binary\x00stuff", Some("application/autocrypt-setup")),
        K::PgpKey
    );
    assert_eq!(
        sniff(
            b"MIAGCSqGSIb3DQEHAqCAMIACAQEx",
            Some("application/pkcs7-signature")
        ),
        K::Pkcs7
    );
    assert_eq!(
        sniff(&[0xFF, 0xD8, 0xFF, 0xE0], Some("application/pgp-signature")),
        K::Jpeg
    );
    // DER CMS and certificate; PEM.
    let cms = [
        0x30, 0x80, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02, 0xA0,
    ];
    assert_eq!(sniff(&cms, None), K::Pkcs7);
    let cert = [
        0x30, 0x82, 0x03, 0x00, 0x30, 0x82, 0x02, 0x00, 0xA0, 0x03, 0x02, 0x01, 0x02, 0x02,
    ];
    assert_eq!(sniff(&cert, None), K::Certificate);
    assert_eq!(
        sniff(b"-----BEGIN CERTIFICATE-----\nMIIB\n", None),
        K::Certificate
    );
}

#[test]
fn text_html_csv() {
    assert_eq!(sniff("Bonjour, ça va ?\n".as_bytes(), None), K::Text);
    assert_eq!(sniff(b"caf\xe9 au lait, tr\xe8s bien\n", None), K::Text);
    assert_eq!(sniff(b"a\0b", Some("text/plain")), K::Other);
    assert_eq!(sniff(b"  <!DOCTYPE html><html><body>x", None), K::Html);
    assert_eq!(sniff(b"<HTML><body>x", Some("text/plain")), K::Html);
    assert_eq!(sniff(b"a,b,c\n1,2,3\n4,5,6\n", None), K::Csv);
    assert_eq!(sniff(b"a;b\n\"x;y\";2\n", None), K::Csv);
    assert_eq!(sniff(b"just one line, with a comma\n", None), K::Text);
    assert_eq!(
        sniff(b"just one line, with a comma\n", Some("text/csv")),
        K::Csv
    );
    assert_eq!(sniff(b"Hello, world.\nHow are you today?\n", None), K::Text);
    // A declared text type never makes binary bytes text.
    assert_eq!(
        sniff(&[0x00, 0x01, 0x02, 0xFE], Some("text/plain")),
        K::Other
    );
    assert_eq!(sniff(&[0x00, 0x01, 0x02, 0xFE], Some("text/csv")), K::Other);
}

#[test]
fn rtf_is_sniffed_by_its_bytes_whatever_its_declared_type() {
    for declared in [None, Some("application/msword"), Some("text/plain")] {
        assert_eq!(sniff(b"{\\rtf1\\ansi Hello}", declared), K::Rtf);
    }
    assert_eq!(sniff(b"\xEF\xBB\xBF \r\n{\\rtf1 x}", None), K::Rtf);
    assert_eq!(sniff(b"about {\\rtf1 x}", None), K::Text);
    assert!(matches!(
        policy(K::Rtf, b"{\\rtf1}"),
        Some(AttachmentContent::NeedsCleaning(_))
    ));
}

#[test]
fn a_message_is_sniffed_by_its_bytes_whatever_its_declared_type() {
    let eml =
        b"Received: from x by y; Mon, 3 Jun 2024\r\nFrom: a@x.example\r\nSubject: s\r\n\r\nhi";
    for declared in [None, Some("application/octet-stream"), Some("text/plain")] {
        assert_eq!(sniff(eml, declared), K::Message);
    }
    assert_eq!(
        sniff(b"Subject: my story\n\nOnce upon a time", None),
        K::Text
    );
}

#[test]
fn policy_per_kind() {
    let b = b"bytes";
    assert_eq!(
        policy(K::Text, b),
        Some(AttachmentContent::Kept(b.to_vec()))
    );
    assert_eq!(policy(K::Csv, b), Some(AttachmentContent::Kept(b.to_vec())));
    for k in [K::PgpKey, K::PgpSignature, K::Certificate, K::Pkcs7] {
        assert_eq!(policy(k, b), None, "{k:?}");
    }
    assert_eq!(policy(K::PgpEncrypted, b"Version: 1\r\n"), None);
    assert_eq!(
        policy(K::PgpEncrypted, b"-----BEGIN PGP MESSAGE-----\n\nhQIM...\n"),
        Some(AttachmentContent::Withheld(WithheldReason::Encrypted))
    );
    let enveloped = [
        0x30, 0x80, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x03, 0xA0,
    ];
    assert_eq!(
        policy(K::Pkcs7, &enveloped),
        Some(AttachmentContent::Withheld(WithheldReason::Encrypted))
    );
    for k in [K::VCard, K::Calendar, K::Tnef] {
        assert_eq!(
            policy(k, b),
            Some(AttachmentContent::Withheld(WithheldReason::CarriesIdentity))
        );
    }
    for k in [
        K::Jpeg,
        K::Png,
        K::Gif,
        K::Webp,
        K::Pdf,
        K::Docx,
        K::Xlsx,
        K::Pptx,
        K::Odt,
        K::Ods,
        K::Odp,
    ] {
        assert_eq!(
            policy(k, b),
            Some(AttachmentContent::NeedsCleaning(b.to_vec())),
            "{k:?}"
        );
    }
    for k in [K::Zip, K::Html, K::Other, K::Message] {
        assert_eq!(
            policy(k, b),
            Some(AttachmentContent::Withheld(WithheldReason::Unsupported))
        );
    }
    for k in [K::Tiff, K::Heic] {
        assert_eq!(
            policy(k, b),
            Some(AttachmentContent::Withheld(WithheldReason::NotCleaned))
        );
    }
}

#[test]
fn names_and_types_are_generic() {
    for k in [K::Text, K::Jpeg, K::Docx, K::Other, K::Tnef] {
        assert!(!k.extension().is_empty() && !k.extension().contains('.'));
        assert!(k.content_type().contains('/'));
    }
    assert_eq!(K::Jpeg.extension(), "jpg");
    assert_eq!(
        K::Docx.content_type(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
}

#[test]
fn sniff_never_panics_on_short_or_odd_input() {
    for len in 0..64 {
        for fill in [0u8, 0x30, 0x50, 0x89, 0x99, 0xC6, 0xFF] {
            let v = vec![fill; len];
            let _ = sniff(&v, Some("application/pkcs7-mime"));
        }
    }
    let _ = sniff(b"PK\x03\x04", None);
    let _ = sniff(b"PK\x03\x04\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", None);
    let _ = sniff(b"\0\0\0\xffftyp", None);
}
