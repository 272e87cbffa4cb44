#![no_main]
#![forbid(unsafe_code)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sourdine_fuzz::checks::run("clean_rtf", data));
