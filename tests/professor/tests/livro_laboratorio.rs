//! Os números que o livro cita das execuções do laboratório
//! (`docs/src/rede-congestionamento.md` e `docs/src/rede-fluxo.md`) são os
//! das tabelas gravadas junto com os gráficos, em `docs/captura/lab-*.csv`
//! (`sudo LIVRO=1 bash tests/lab/laboratorio.sh` grava as duas coisas).
//!
//! Os gráficos e as tabelas mudam a cada execução gravada; o texto, não: quem
//! grava uma execução nova atualiza os números do texto à mão, e este teste
//! aponta cada um que ficou para trás. Cada frase conferida é procurada pelo
//! texto em volta do número; se a frase mudar, o teste diz qual procurar.

use std::fs;

use avaliacao::workspace_root;
use professor::grafico::{self, LossPoint, Row};

/// O texto de uma página do livro, com as quebras de linha trocadas por
/// espaços (uma frase pode estar quebrada em qualquer lugar).
fn page(name: &str) -> String {
    let path = workspace_root().join("docs/src").join(name);
    let text = fs::read_to_string(&path).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Uma tabela do `--tcp-info` gravada para o livro.
fn table(name: &str) -> Vec<Row> {
    let path = workspace_root().join("docs/captura").join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (grave com sudo LIVRO=1 bash tests/lab/laboratorio.sh)",
            path.display()
        )
    });
    grafico::read_tcp_info(&text).unwrap()
}

/// O trecho entre `before` e a primeira ocorrência de `after` depois dele.
fn between<'a>(text: &'a str, before: &str, after: &str) -> &'a str {
    let Some(start) = text.find(before).map(|i| i + before.len()) else {
        panic!("o livro não tem mais o trecho «{before}»: atualize este teste");
    };
    let Some(len) = text[start..].find(after) else {
        panic!("o livro não tem mais «{after}» depois de «{before}»: atualize este teste");
    };
    &text[start..start + len]
}

/// Um número escrito como no livro: `3 000`, `6,2`, `48`.
fn number(text: &str) -> f64 {
    let plain: String = text.chars().filter(|c| *c != ' ').collect();
    plain
        .replace(',', ".")
        .parse()
        .unwrap_or_else(|_| panic!("«{text}» não é um número"))
}

/// A mesma conta arredondada a `decimals` casas, como o livro escreve.
fn rounded(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// As quedas da janela, pelo mesmo critério do resumo do laboratório
/// ([`grafico::drops`]): (índice, antes, depois).
fn drops(rows: &[Row]) -> Vec<(usize, f64, f64)> {
    grafico::drops(rows)
        .into_iter()
        .map(|i| (i, rows[i - 1].cwnd, rows[i].cwnd))
        .collect()
}

fn cwnd_max(rows: &[Row]) -> f64 {
    grafico::summarize_congestion(rows).cwnd_max
}

fn mib_per_s(rows: &[Row]) -> f64 {
    grafico::summarize_congestion(rows).mib_per_s
}

fn near(value: f64, claim: f64, tolerance: f64) -> bool {
    (value - claim).abs() <= tolerance
}

#[test]
fn partida_lenta_e_a_primeira_perda_sao_as_da_tabela() {
    let text = page("rede-congestionamento.md");
    let rows = table("lab-cwnd-0.csv");

    // "Na tabela: 10, 20, 40, 80 segmentos nos primeiros 20 ms."
    let listed: Vec<f64> = between(&text, "Na tabela: ", " segmentos nos primeiros ")
        .split(", ")
        .map(number)
        .collect();
    let limit = number(between(&text, "segmentos nos primeiros ", " ms."));
    assert_eq!(rows[0].cwnd, listed[0], "a tabela começa com outra janela");
    let mut seen = rows.iter().filter(|r| r.t_ms <= limit).map(|r| r.cwnd);
    for value in &listed {
        assert!(
            seen.any(|cwnd| cwnd == *value),
            "a janela não passa por {value} segmentos, na ordem, nos primeiros {limit} ms: \
             o livro cita {listed:?}"
        );
    }

    // "(393 → 180 segmentos nesta execução)", "até uns 120 ms",
    // "Por volta de 120 ms": a primeira queda, pela metade.
    let (first, before, after) = drops(&rows)[0];
    assert_eq!(
        between(&text, "**pela metade** (", " segmentos nesta execução)"),
        format!("{before} → {after}"),
        "a primeira queda da tabela"
    );
    assert!(
        (0.35..=0.65).contains(&(after / before)),
        "a queda não foi pela metade: {before} → {after}"
    );
    let ssthresh = rows[first].ssthresh.expect("depois da perda há limiar");
    assert!(
        near(ssthresh, before / 2.0, before * 0.05),
        "o limiar ({ssthresh}) não é a metade de {before}"
    );
    let when = rows[first].t_ms;
    for claim in [
        between(&text, "do começo até uns ", " ms"),
        between(&text, "Por volta de ", " ms, a fila transborda"),
    ] {
        assert!(
            near(when, number(claim), when * 0.15),
            "a primeira queda foi aos {when} ms, o livro diz {claim} ms"
        );
    }

    // "De 48 µs com a fila vazia para mais de 30 ms com ela cheia."
    let rtt_min = rows.iter().map(|r| r.rtt_us).fold(f64::INFINITY, f64::min);
    let rtt_max = rows.iter().map(|r| r.rtt_us).fold(0.0, f64::max);
    assert_eq!(
        number(between(
            &text,
            "espera na fila. De ",
            " µs com a fila vazia"
        )),
        rtt_min
    );
    let full = number(between(&text, "µs com a fila vazia para mais de ", " ms"));
    assert!(rtt_max > full * 1000.0, "RTT máximo {rtt_max} µs");

    // A descrição do gráfico: "sobe dobrando até uns 400 segmentos",
    // "a vazão fica perto de 5,5 MiB/s".
    let top = number(between(&text, "sobe dobrando até uns ", " segmentos"));
    assert!(
        near(cwnd_max(&rows), top, top * 0.1),
        "janela máxima {}",
        cwnd_max(&rows)
    );
    let speed = number(between(&text, "a vazão fica perto de ", " MiB/s"));
    assert!(near(mib_per_s(&rows), speed, 0.3), "{}", mib_per_s(&rows));
}

#[test]
fn o_dente_de_serra_com_2_por_cento_e_o_da_tabela() {
    let text = page("rede-congestionamento.md");
    let rows = table("lab-cwnd-2.csv");
    let without_loss = table("lab-cwnd-0.csv");
    let found = drops(&rows);

    // "(nesta execução, quedas de 40 para 24, de 34 para 17, de 33 para 21)"
    for quoted in between(&text, "nesta execução, quedas ", ")").split(", ") {
        let (before, after) = quoted
            .trim_start_matches("de ")
            .split_once(" para ")
            .unwrap_or_else(|| panic!("«{quoted}» não é «de A para B»"));
        let (before, after) = (number(before), number(after));
        assert!(
            found.iter().any(|&(_, b, a)| b == before && a == after),
            "a tabela com 2 % não tem a queda de {before} para {after}: {found:?}"
        );
    }

    // "a janela passa quase todo o tempo abaixo de 40 segmentos"
    let limit = number(between(
        &text,
        "quase todo o tempo abaixo de ",
        " segmentos",
    ));
    let below = rows.iter().filter(|r| r.cwnd < limit).count() as f64 / rows.len() as f64;
    assert!(below >= 0.9, "só {below:.2} das leituras abaixo de {limit}");

    // "Ficou perto dos mesmos 5,5 MiB/s, com a janela máxima quase dez vezes
    // menor (42 segmentos contra 393)."
    let speed = number(between(&text, "Ficou perto dos mesmos ", " MiB/s"));
    for run in [&rows, &without_loss] {
        assert!(near(mib_per_s(run), speed, 0.3), "{}", mib_per_s(run));
    }
    let (small, large) = between(&text, "quase dez vezes menor (", ")")
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .split_once(" segmentos contra ")
        .unwrap();
    assert_eq!(number(small), cwnd_max(&rows));
    assert_eq!(number(large), cwnd_max(&without_loss));
    assert!((8.0..10.0).contains(&(number(large) / number(small))));

    // "Perto dos 300 ms da execução com 2 %, a tabela diz `cwnd` 29 e RTT de
    // 6,2 ms: 29 × 1448 bytes ÷ 0,0062 s ≈ 6,8 MB/s"
    let at = number(between(&text, "Perto dos ", " ms da execução com 2 %"));
    let cwnd = number(between(&text, "a tabela diz `cwnd` ", " e RTT"));
    let rtt_ms = number(between(&text, "e RTT de ", " ms:"));
    let row = rows
        .iter()
        .find(|r| {
            near(r.t_ms, at, 5.0) && r.cwnd == cwnd && rounded(r.rtt_us / 1000.0, 1) == rtt_ms
        })
        .unwrap_or_else(|| {
            panic!("nenhuma leitura perto de {at} ms tem cwnd {cwnd} e RTT de {rtt_ms} ms")
        });
    let (_, sum) = between(&text, "e RTT de ", " MB/s")
        .split_once(" ms: ")
        .unwrap();
    let (left, result) = sum.split_once(" ≈ ").unwrap();
    let parts: Vec<&str> = left
        .split([' ', '×', '÷'])
        .filter(|p| p.chars().any(|c| c.is_ascii_digit()))
        .collect();
    assert_eq!(parts.len(), 3, "«{sum}»");
    assert_eq!(number(parts[0]), cwnd);
    assert_eq!(number(parts[1]), row.mss, "o tamanho do segmento");
    assert_eq!(number(parts[2]), rtt_ms / 1000.0);
    assert_eq!(
        number(result),
        rounded(cwnd * row.mss / (rtt_ms / 1000.0) / 1e6, 1),
        "a conta «{sum}»"
    );

    // "a mesma janela de 29 segmentos daria 29 × 1448 ÷ 0,05 ≈ 0,8 MiB/s"
    assert_eq!(
        number(between(&text, "a mesma janela de ", " segmentos")),
        cwnd
    );
    let far = between(&text, "segmentos daria ", " MiB/s");
    let (left, result) = far.split_once(" ≈ ").unwrap();
    let parts: Vec<f64> = left.split(['×', '÷']).map(|p| number(p.trim())).collect();
    assert_eq!(parts[..2], [cwnd, row.mss]);
    assert_eq!(
        number(result),
        rounded(parts[0] * parts[1] / parts[2] / 1_048_576.0, 1),
        "a conta «{far}»"
    );
}

#[test]
fn a_vazao_contra_a_perda_e_a_da_tabela() {
    let text = page("rede-congestionamento.md");
    let path = workspace_root().join("docs/captura/lab-vazao.csv");
    let points: Vec<LossPoint> =
        grafico::read_loss_points(&fs::read_to_string(path).unwrap()).unwrap();
    let of = |algorithm: &str| -> Vec<&LossPoint> {
        points.iter().filter(|p| p.algorithm == algorithm).collect()
    };
    assert!(
        !of("reno").is_empty() && !of("bbr").is_empty(),
        "{points:?}"
    );

    // "o Reno fica perto de 5,5 MiB/s até 5 % e cai para menos de 2 MiB/s
    // com 10 %; o BBR fica acima de 5 MiB/s em todas as taxas"
    let reno = between(&text, "o Reno fica perto de ", "; o BBR");
    let speed = number(between(reno, "", " MiB/s até "));
    let up_to = number(between(reno, " MiB/s até ", " %"));
    for p in of("reno").iter().filter(|p| p.loss_pct <= up_to) {
        assert!(near(p.mib_per_s, speed, 0.4), "{p:?}");
    }
    let floor = number(between(reno, "cai para menos de ", " MiB/s com "));
    let worst = number(between(reno, " MiB/s com ", " %"));
    for p in of("reno").iter().filter(|p| p.loss_pct == worst) {
        assert!(p.mib_per_s < floor, "{p:?}");
    }
    let bbr = number(between(&text, "o BBR fica acima de ", " MiB/s"));
    for p in of("bbr") {
        assert!(p.mib_per_s > bbr, "{p:?}");
    }
    // "Com o **Reno**, até 5 % a fila do enlace ainda esconde a perda"
    assert_eq!(number(between(&text, "Com o **Reno**, até ", " %")), up_to);
    // "Cada sentido fica com uns 6,25 MB/s, ou 5,96 MiB/s: é o teto"
    let ceiling = number(between(&text, "MB/s, ou ", " MiB/s: é o teto"));
    for p in &points {
        assert!(p.mib_per_s <= ceiling * 1.02, "acima do teto: {p:?}");
    }
}

#[test]
fn o_leitor_parado_e_o_da_tabela() {
    let text = page("rede-fluxo.md");
    let rows = table("lab-fluxo.csv");
    let mib = |bytes: f64| bytes / 1_048_576.0;

    // As condições da execução gravada são as que a página descreve.
    let header = fs::read_to_string(workspace_root().join("docs/captura/lab-fluxo.txt")).unwrap();
    let total = between(&text, "o bench manda ", " MiB ao nosso servidor");
    let pause = between(&text, "**para de ler** por ", " segundo");
    assert!(
        header.contains(&format!("para por {pause} s"))
            && header.contains(&format!("({total} MiB")),
        "a página fala de {total} MiB e {pause} s; a execução gravada: {header}"
    );

    // O trecho mais longo com a janela em zero: a pausa.
    let mut stretches: Vec<(usize, usize)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let zero = r.window == 0.0 && r.written > 0.0;
        match stretches.last_mut() {
            Some((_, end)) if zero && *end == i => *end = i + 1,
            _ if zero => stretches.push((i, i + 1)),
            _ => {}
        }
    }
    let &(start, end) = stretches
        .iter()
        .max_by_key(|(s, e)| e - s)
        .expect("a janela chega a zero");
    let closed_at = rows[start].t_ms;
    let opened_at = rows[end.min(rows.len() - 1)].t_ms;

    // "sobe a mais de 2 500 KiB, cai a zero perto de 270 ms, [...] e fica em
    // zero até o leitor voltar, perto de 1 010 ms"
    let window_max = rows.iter().map(|r| r.window).fold(0.0, f64::max) / 1024.0;
    assert!(window_max > number(between(&text, "sobe a mais de ", " KiB")));
    for claim in [
        between(&text, "cai a zero perto de ", " ms"),
        between(&text, "chegou a **zero** perto de ", " ms"),
    ] {
        assert!(
            near(closed_at, number(claim), closed_at * 0.05),
            "a janela fechou aos {closed_at} ms, o livro diz {claim}"
        );
    }
    let claim = between(&text, "até o leitor voltar, perto de ", " ms");
    assert!(
        near(opened_at, number(claim), opened_at * 0.05),
        "a janela abriu aos {opened_at} ms, o livro diz {claim}"
    );

    // "os bytes aceitos pela escrita ficam parados em 26 MiB durante a
    // pausa e sobem depressa até 64 MiB"; "com 26 MiB já escritos"
    let stalled = number(between(&text, "ficam parados em ", " MiB"));
    for r in &rows[start..end] {
        assert!(near(mib(r.written), stalled, 1.0), "{r:?}");
    }
    let written = number(between(&text, " ms, com ", " MiB já escritos"));
    assert!(near(mib(rows[start].written), written, 0.5));
    let last = rows.last().unwrap();
    assert_eq!(
        mib(last.written),
        number(between(&text, "sobem depressa até ", " MiB"))
    );
    assert_eq!(number(total), mib(last.written));
}

/// Uma linha da tabela do experimento 1 (`docs/captura/lab-perda.txt`).
#[derive(Debug)]
struct LossRow {
    loss_pct: f64,
    unanswered: f64,
    packets: f64,
    dropped: f64,
    retransmitted: f64,
    mib_per_s: f64,
}

fn loss_rows() -> Vec<LossRow> {
    let path = workspace_root().join("docs/captura/lab-perda.txt");
    let text = fs::read_to_string(path).unwrap();
    let rows: Vec<LossRow> = text
        .lines()
        .filter(|line| line.split('|').count() == 3 && line.contains(" MiB certos"))
        .map(|line| {
            let line = format!("{line},");
            LossRow {
                loss_pct: number(between(&line, "", " %")),
                unanswered: number(between(&line, "| ", " de ")),
                packets: number(between(&line, "pacotes de dados: ", ",")),
                dropped: number(between(&line, "descartados: ", ",")),
                retransmitted: number(between(&line, "segmentos retransmitidos: ", ",")),
                mib_per_s: number(
                    between(&line, "(D-SACK): ", " MiB/s")
                        .split_once(", ")
                        .unwrap()
                        .1,
                ),
            }
        })
        .collect();
    assert!(rows.len() >= 3, "a tabela do experimento 1 mudou: {text}");
    rows
}

#[test]
fn o_experimento_da_perda_e_o_da_tabela() {
    let text = page("rede-laboratorio.md");
    let rows = loss_rows();
    let at = |loss: f64| rows.iter().find(|r| r.loss_pct == loss).unwrap();

    // "Os 4 MiB viajam em pouco mais de cem desses blocos"
    assert!(text.contains("Os 4 MiB viajam em pouco mais de cem desses blocos"));
    for r in &rows {
        assert!((100.0..200.0).contains(&r.packets), "{r:?}");
        assert!(r.dropped <= r.packets, "{r:?}");
    }
    // A descrição do gráfico: "o UDP cai um pouco com 1 % e mais com 5 %;
    // [...] os segmentos que o TCP retransmitiu, que sobem com o descarte"
    assert!(text.contains("o UDP cai um pouco com 1 % e mais com 5 %"));
    assert!(at(1.0).unanswered >= 1.0 && at(5.0).unanswered > at(1.0).unanswered);
    assert!(text.contains("que sobem com o descarte"));
    assert!(at(0.0).retransmitted <= at(1.0).retransmitted);
    assert!(at(1.0).retransmitted < at(5.0).retransmitted);
    // "[a vazão] só despenca quando uma retransmissão também se perde [...]
    // como na linha de 5 % desta execução"
    assert!(text.contains("como na linha de 5 % desta execução"));
    assert!(
        at(5.0).mib_per_s < 0.2 * at(0.0).mib_per_s,
        "a vazão com 5 % não despencou: {:?}",
        at(5.0)
    );
}
