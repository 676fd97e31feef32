use std::time::Instant;
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let t0 = Instant::now();
    vagvisare::analysis::compound::cache_in(std::path::Path::new(&a[1]).join("dictionary.cache"));
    let _ = vagvisare::analysis::compound::dictionary().split("upphandlingsdokument");
    println!("dict {:.1}", t0.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let e = vagvisare::search::Engine::open(std::path::Path::new(&a[1])).unwrap();
    let t1 = t.elapsed().as_secs_f64() * 1e3;
    let r = e.search(&vagvisare::search::SearchRequest::new("upphandling", 10));
    let t2 = t.elapsed().as_secs_f64() * 1e3;
    let r2 = e.search(&vagvisare::search::SearchRequest::new(
        "upphandling kommun",
        10,
    ));
    let t3 = t.elapsed().as_secs_f64() * 1e3;
    println!(
        "open {t1:.1} first {:.1} second {:.1} {} {}",
        t2 - t1,
        t3 - t2,
        r.total,
        r2.total
    );
}
