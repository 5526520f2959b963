//! O livro num navegador de verdade: a busca sem acentos, a interface em
//! português e os blocos de código que cabem na coluna.
//!
//! Gera o livro com o `mdbook` numa pasta temporária e abre as páginas no
//! Chromium sem janela (`--headless --dump-dom`), pelo endereço `file://`: o
//! `--dump-dom` devolve a página depois que os scripts do mdBook e os nossos
//! (`docs/theme/`) rodaram. A busca abre sozinha com `?search=palavra` no
//! endereço.
//!
//! Precisa de `mdbook` e `chromium` no PATH. Sem eles, aparece como
//! IGNORADO; na CI (variável `CI` definida), falha: a `.ci/run` instala os dois.
//! Pesados (uns 30 s), ficam fora do `cargo test` do README: rode com
//! `cargo test -p avaliacao --test livro_navegador -- --ignored`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Condvar, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use avaliacao::workspace_root;

/// Quanto uma página pode levar para abrir no Chromium (numa máquina ocupada).
const PAGE_LIMIT: Duration = Duration::from_secs(40);

/// Quantos Chromium abertos ao mesmo tempo, somando todos os testes: cada um
/// abre vários processos, e mais que isso numa máquina de 2 núcleos só
/// deixa todos mais lentos.
const MAX_BROWSERS: usize = 2;

/// As buscas sem acento e com acento que têm de achar as mesmas seções.
const SEARCHES: [(&str, &str); 4] = [
    ("maiusculas", "maiúsculas"),
    ("acao", "ação"),
    ("sequencia", "sequência"),
    ("reuseaddr", "SO_REUSEADDR"),
];

/// O que o teste usa: o livro gerado e o navegador.
struct Browser {
    book: PathBuf,
    chromium: PathBuf,
}

/// Procura um programa no PATH.
fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// O livro gerado e o navegador, preparados uma vez para todos os testes;
/// `None` (com o aviso) se falta alguma ferramenta fora da CI.
fn browser() -> Option<&'static Browser> {
    static READY: OnceLock<Result<Browser, String>> = OnceLock::new();
    let ready = READY.get_or_init(|| {
        let mdbook = find_program(&["mdbook"]).ok_or("sem o mdbook no PATH")?;
        let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"])
            .ok_or("sem o chromium no PATH (apt-get install -y chromium)")?;
        // Em target/<perfil>/livro-navegador (o teste roda de target/<perfil>/deps):
        // gerado de novo a cada vez, sem deixar lixo no /tmp.
        let exe = std::env::current_exe().map_err(|e| format!("caminho do teste: {e}"))?;
        let book = exe
            .parent()
            .and_then(Path::parent)
            .ok_or("pasta do perfil do cargo")?
            .join("livro-navegador");
        let output = Command::new(mdbook)
            .arg("build")
            .arg(workspace_root().join("docs"))
            .arg("--dest-dir")
            .arg(&book)
            .output()
            .map_err(|e| format!("não foi possível rodar o mdbook: {e}"))?;
        let log = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && !log.contains("WARN") && !log.contains("ERROR"),
            "o mdbook não gerou o livro sem avisos:\n{log}"
        );
        Ok(Browser { book, chromium })
    });
    match ready {
        Ok(browser) => Some(browser),
        Err(reason) => {
            avaliacao::skip(&format!("{reason} (a .ci/run instala mdbook e chromium)"));
            None
        }
    }
}

impl Browser {
    fn url(&self, page: &str) -> String {
        format!("file://{}", self.book.join(page).display())
    }

    /// A página `url` como o navegador a deixou depois dos scripts, numa janela
    /// de 1280 × 900 (a largura das medidas do livro).
    fn dump(&self, url: &str, profile: &str) -> String {
        let _turn = BrowserTurn::take();
        let profile = self.book.with_extension(format!("perfil-{profile}"));
        let mut child = Command::new(&self.chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--window-size=1280,900",
                "--virtual-time-budget=5000",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("--dump-dom")
            .arg(url)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("não foi possível iniciar o chromium");
        let mut stdout = child.stdout.take().expect("saída do chromium");
        let reader = thread::spawn(move || {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
        });
        let started = Instant::now();
        while child.try_wait().expect("esperando o chromium").is_none() {
            if started.elapsed() > PAGE_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("o chromium não abriu {url} em {PAGE_LIMIT:?}");
            }
            thread::sleep(Duration::from_millis(50));
        }
        let _ = std::fs::remove_dir_all(&profile);
        reader
            .join()
            .expect("leitura da saída do chromium")
            .expect("saída do chromium em UTF-8")
    }
}

/// A vez de abrir um Chromium: no máximo [`MAX_BROWSERS`] ao mesmo tempo.
struct BrowserTurn;

static OPEN_BROWSERS: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

impl BrowserTurn {
    fn take() -> BrowserTurn {
        let (count, freed) = &OPEN_BROWSERS;
        let mut open = count.lock().unwrap_or_else(|e| e.into_inner());
        while *open >= MAX_BROWSERS {
            open = freed.wait(open).unwrap_or_else(|e| e.into_inner());
        }
        *open += 1;
        BrowserTurn
    }
}

impl Drop for BrowserTurn {
    fn drop(&mut self) {
        let (count, freed) = &OPEN_BROWSERS;
        *count.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        freed.notify_one();
    }
}

/// O texto do cabeçalho da busca ("6 resultados para “acao”:") e os endereços
/// das seções achadas, sem o `?highlight=...` (que repete a palavra buscada).
fn search_results(dom: &str) -> (String, Vec<String>) {
    let header = dom
        .split_once("id=\"mdbook-searchresults-header\"")
        .and_then(|(_, rest)| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split_once('<'))
        .map(|(text, _)| text.to_string())
        .unwrap_or_default();
    let list = dom
        .split_once("<ul id=\"mdbook-searchresults\">")
        .and_then(|(_, rest)| rest.split_once("</ul>"))
        .map(|(list, _)| list)
        .unwrap_or_default();
    let mut links: Vec<String> = list
        .split("<li><a href=\"")
        .skip(1)
        .filter_map(|item| item.split_once('"'))
        .map(|(href, _)| match href.split_once('?') {
            Some((page, rest)) => {
                format!("{page}{}", rest.find('#').map_or("", |i| &rest[i..]))
            }
            None => href.to_string(),
        })
        .collect();
    links.sort();
    (header, links)
}

#[test]
#[ignore = "pesado (o Chromium, uns 30 s): roda na .ci/run, ou com -- --ignored"]
fn busca_sem_acentos_acha_o_mesmo_que_com_acentos() {
    let Some(browser) = browser() else { return };
    // Cada busca num Chromium próprio, todas ao mesmo tempo.
    let runs: Vec<_> = SEARCHES
        .iter()
        .flat_map(|(plain, accented)| [*plain, *accented])
        .enumerate()
        .map(|(i, word)| {
            let url = format!("{}?search={word}", browser.url("index.html"));
            (
                word,
                thread::spawn(move || browser.dump(&url, &format!("busca-{i}"))),
            )
        })
        .collect();
    let mut found = std::collections::HashMap::new();
    for (word, run) in runs {
        found.insert(word, search_results(&run.join().expect("busca")));
    }
    for (plain, accented) in SEARCHES {
        let (plain_header, plain_links) = &found[plain];
        let (accented_header, accented_links) = &found[accented];
        assert!(
            !accented_links.is_empty(),
            "“{accented}” não achou nada: {accented_header:?}"
        );
        assert_eq!(
            plain_links, accented_links,
            "“{plain}” ({plain_header:?}) e “{accented}” ({accented_header:?}) \
             acharam seções diferentes"
        );
        let count = accented_links.len();
        let expected = format!("{count} resultado");
        assert!(
            plain_header.starts_with(&expected) && plain_header.contains(plain),
            "cabeçalho da busca não está em português: {plain_header:?}"
        );
    }
}

#[test]
#[ignore = "pesado (o Chromium, uns 30 s): roda na .ci/run, ou com -- --ignored"]
fn a_interface_do_livro_esta_em_portugues() {
    let Some(browser) = browser() else { return };
    let page = browser.dump(&browser.url("udp-servidor.html"), "pagina");
    for expected in [
        "placeholder=\"Buscar no livro…\"",
        "title=\"Mudar o tema\"",
        ">Automático<",
        ">Claro<",
        ">Carvão<",
        ">Azul-marinho<",
        "Atalhos do teclado",
        "Tecle <kbd>S</kbd> ou <kbd>/</kbd> para buscar no livro",
        "title=\"Copiar para a área de transferência\"",
        "title=\"Próxima página\"",
        "title=\"Buscar (/)\"",
        "aria-label=\"Sumário\"",
    ] {
        assert!(page.contains(expected), "a página não tem {expected:?}");
    }
    for english in [
        "Search this book",
        "Keyboard shortcuts",
        "Copy to clipboard",
        "Change theme",
        ">Light<",
        ">Coal<",
        "Next chapter",
        "Table of contents",
        "to search in the book",
    ] {
        assert!(!page.contains(english), "a página ainda diz {english:?}");
    }

    let missing = browser.dump(&browser.url("404.html"), "404");
    assert!(
        missing.contains("Página não encontrada"),
        "a página 404 não está em português"
    );
}

// Mede no print.html (o livro inteiro numa página): um script acrescentado
// a uma cópia dele conta os blocos que rolam para o lado a 1280 px e confere
// que, no tema escuro, os diagramas têm o filtro que os escurece.
#[test]
#[ignore = "pesado (o Chromium, uns 30 s): roda na .ci/run, ou com -- --ignored"]
fn blocos_de_codigo_cabem_na_coluna_e_diagramas_escurecem() {
    let Some(browser) = browser() else { return };
    let print = browser.book.join("print.html");
    let probe = browser.book.join("medida.html");
    let script = r#"<script>
window.addEventListener('load', function () { setTimeout(function () {
    var largos = Array.from(document.querySelectorAll('main pre > code')).filter(function (c) {
        return c.scrollWidth > c.clientWidth + 1;
    }).map(function (c) {
        return c.textContent.split('\n').reduce(function (a, l) { return l.length > a.length ? l : a; }, '');
    });
    document.documentElement.classList.remove('light');
    document.documentElement.classList.add('coal');
    var img = document.querySelector('main img[src$=".svg"]');
    var filtro = img ? getComputedStyle(img).filter : 'sem diagrama';
    var out = document.createElement('pre');
    out.id = 'medida';
    out.textContent = 'largos=' + largos.length + '\nfiltro=' + filtro + '\n' + largos.join('\n');
    document.body.appendChild(out);
}, 300); });
</script></body>"#;
    let html = std::fs::read_to_string(&print).expect("print.html");
    std::fs::write(&probe, html.replacen("</body>", script, 1)).expect("medida.html");
    let dom = browser.dump(&browser.url("medida.html"), "medida");
    let report = dom
        .split_once("<pre id=\"medida\">")
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(report, _)| report)
        .expect("o script de medida não rodou");
    assert!(
        report.starts_with("largos=0\n"),
        "blocos de código mais largos que a coluna a 1280 px (a linha mais longa de cada):\n{report}"
    );
    assert!(
        report.contains("filtro=invert("),
        "no tema escuro, o diagrama continua claro: {report}"
    );
}
