//! The legal-reference recogniser ("4 kap. 18 § LOU", "4:18", "SFS 2016:1145") and the other
//! public helpers of `analysis::legal`, on arbitrary text (lossily decoded when not UTF-8).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vagvisare::analysis::legal;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = legal::references(&text);
    let law = legal::law_of_title(&text);
    if let Some(law) = law {
        let _ = legal::sfs_of_law(law);
    }
    // Each line a heading of a trail, as for a statute's sections.
    let trail: Vec<String> = text.lines().take(16).map(str::to_string).collect();
    let _ = legal::chapter_of_trail(&trail, law);
    let _ = legal::provision_of_trail(&trail, law.or(Some("lou")));
    for line in &trail {
        let _ = legal::sfs_of_law(line);
    }
});
