//! Os gráficos do laboratório (`professor grafico`): lê as tabelas que o
//! `tcp-echo bench --tcp-info` e o `tests/lab/laboratorio.sh` gravam, monta
//! as figuras (com [`crate::svg`]) e resume cada experimento em números, que
//! o laboratório confere.
//!
//! - [`congestion`]: a janela de congestionamento, o limiar e a vazão ao
//!   longo do tempo, para uma ou mais taxas de perda;
//! - [`throughput`]: a vazão contra a taxa de perda;
//! - [`delivery`]: o que chega pelo UDP e pelo TCP, contra a taxa de perda;
//! - [`flow`]: a janela anunciada pelo servidor, os bytes em voo e os bytes
//!   escritos, com um leitor que para.

use crate::svg::{Figure, Panel, Series, Style};

/// Uma linha do CSV do `--tcp-info` (veja `common::tcp_info::write_csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// Milissegundos desde o começo.
    pub t_ms: f64,
    /// Janela de congestionamento, em segmentos.
    pub cwnd: f64,
    /// Limiar da partida lenta, em segmentos (`None`: ainda infinito).
    pub ssthresh: Option<f64>,
    /// RTT estimado pelo kernel, em µs.
    pub rtt_us: f64,
    /// Segmentos retransmitidos até ali.
    pub retrans: f64,
    /// Bytes confirmados pelo outro lado.
    pub bytes: f64,
    /// Bytes aceitos pelo `write`.
    pub written: f64,
    /// Bytes enviados sem confirmação.
    pub in_flight: f64,
    /// Janela anunciada pelo outro lado, em bytes.
    pub window: f64,
    /// Bytes de dados por segmento.
    pub mss: f64,
}

/// Um número de um CSV; o erro diz a linha (`line`, contando de 1) e o que
/// havia nela.
fn parse_number(text: &str, line: u64) -> Result<f64, String> {
    text.parse()
        .map_err(|_| format!("a linha {line} tem \"{text}\", que não é número"))
}

/// O erro do leitor de CSV em português: a linha e o que havia de errado.
fn csv_error(error: &csv::Error) -> String {
    let line = error.position().map_or(0, csv::Position::line);
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("a linha {line} tem {len} coluna(s), e o cabeçalho tem {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => format!("a linha {line} não é texto UTF-8"),
        _ => format!("a linha {line} não pôde ser lida como CSV"),
    }
}

/// Lê um CSV com cabeçalho: o cabeçalho e cada linha com o seu número
/// (contando de 1, como um editor de texto mostra).
fn read_csv(text: &str) -> Result<(csv::StringRecord, Vec<(u64, csv::StringRecord)>), String> {
    if text.trim().is_empty() {
        return Err("o arquivo está vazio".into());
    }
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| csv_error(&e))?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&e))?;
        let line = record.position().map_or(0, csv::Position::line);
        rows.push((line, record));
    }
    Ok((header, rows))
}

/// Lê o CSV do `--tcp-info`. As colunas são achadas pelo nome (os de
/// `common::tcp_info::column`), na ordem que vierem; um erro diz a linha.
pub fn read_tcp_info(text: &str) -> Result<Vec<Row>, String> {
    use common::tcp_info::column;
    let (header, records) = read_csv(text)?;
    let index = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or(format!("falta a coluna {name} no cabeçalho"))
    };
    // Cada índice achado uma vez, antes das linhas; o nome vem do `common`.
    let [
        t_ms,
        cwnd,
        ssthresh,
        rtt_us,
        retrans,
        bytes,
        written,
        in_flight,
        window,
        mss,
    ] = [
        index(column::T_MS)?,
        index(column::CWND)?,
        index(column::SSTHRESH)?,
        index(column::RTT_US)?,
        index(column::RETRANS)?,
        index(column::BYTES)?,
        index(column::WRITTEN)?,
        index(column::IN_FLIGHT)?,
        index(column::WINDOW)?,
        index(column::MSS)?,
    ];
    let mut rows = Vec::new();
    for (line, record) in records {
        let value = |i: usize| -> Result<Option<f64>, String> {
            match record.get(i) {
                None => Err(format!("a linha {line} tem colunas de menos")),
                Some("") => Ok(None),
                Some(text) => parse_number(text, line).map(Some),
            }
        };
        let number = |i: usize| value(i).map(|v| v.unwrap_or(0.0));
        rows.push(Row {
            t_ms: number(t_ms)?,
            cwnd: number(cwnd)?,
            ssthresh: value(ssthresh)?,
            rtt_us: number(rtt_us)?,
            retrans: number(retrans)?,
            bytes: number(bytes)?,
            written: number(written)?,
            in_flight: number(in_flight)?,
            window: number(window)?,
            mss: number(mss)?,
        });
    }
    Ok(rows)
}

/// A vazão ao longo do tempo, em MiB/s: os bytes confirmados numa janela de
/// `span` ms terminando em cada leitura. Uma janela curta demais mostraria
/// só o ritmo das leituras; 50 ms alisam sem esconder as quedas.
fn throughput_over_time(rows: &[Row], span: f64) -> Vec<(f64, f64)> {
    let mut start = 0;
    let mut points = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        while start < i && row.t_ms - rows[start + 1].t_ms >= span {
            start += 1;
        }
        let elapsed = row.t_ms - rows[start].t_ms;
        if i > 0 && elapsed > 0.0 {
            let bytes = row.bytes - rows[start].bytes;
            points.push((row.t_ms, bytes / (1024.0 * 1024.0) / (elapsed / 1000.0)));
        }
    }
    points
}

/// A figura do controle de congestionamento: para cada execução (um rótulo,
/// como "perda de 0,5 %", e as suas leituras), a janela e o limiar, a vazão
/// e o RTT ao longo do tempo.
pub fn congestion(title: &str, runs: &[(String, Vec<Row>)]) -> Figure {
    let mut windows = Vec::new();
    let mut rates = Vec::new();
    let mut rtts = Vec::new();
    for (color, (label, rows)) in runs.iter().enumerate() {
        windows.push(Series {
            name: format!("cwnd, {label}"),
            points: rows.iter().map(|r| (r.t_ms, r.cwnd)).collect(),
            style: Style::Line,
            color,
        });
        let limits: Vec<(f64, f64)> = rows
            .iter()
            .filter_map(|r| r.ssthresh.map(|s| (r.t_ms, s)))
            .collect();
        if !limits.is_empty() {
            windows.push(Series {
                name: format!("ssthresh, {label}"),
                points: limits,
                style: Style::Dashed,
                color,
            });
        }
        rates.push(Series {
            name: label.clone(),
            points: throughput_over_time(rows, 50.0),
            style: Style::Line,
            color,
        });
        rtts.push(Series {
            name: label.clone(),
            points: rows.iter().map(|r| (r.t_ms, r.rtt_us / 1000.0)).collect(),
            style: Style::Line,
            color,
        });
    }
    Figure {
        title: title.to_string(),
        x_label: "tempo desde o começo da transferência (ms)".into(),
        panels: vec![
            Panel {
                title: "Janela de congestionamento (cwnd) e limiar da partida lenta (ssthresh)"
                    .into(),
                y_label: "segmentos".into(),
                series: windows,
            },
            Panel {
                title: "Vazão: bytes confirmados nos últimos 50 ms".into(),
                y_label: "MiB/s".into(),
                series: rates,
            },
            Panel {
                title: "RTT estimado pelo kernel".into(),
                y_label: "ms".into(),
                series: rtts,
            },
        ],
    }
}

/// Uma linha do experimento 1: com tal descarte, o que chegou pelo UDP e
/// pelo TCP, e quanto o TCP retransmitiu.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// A taxa de descarte, em %.
    pub loss_pct: f64,
    /// Pings UDP respondidos, em % dos enviados.
    pub udp_pct: f64,
    /// Bytes TCP que voltaram certos, em % dos enviados.
    pub tcp_pct: f64,
    /// Segmentos que o kernel retransmitiu.
    pub retransmitted: f64,
}

/// Lê o CSV `descarte_pct,udp_pct,tcp_pct,retransmitidos` do experimento 1.
pub fn read_deliveries(text: &str) -> Result<Vec<Delivery>, String> {
    let (_, records) = read_csv(text)?;
    let mut rows = Vec::new();
    for (line, record) in records {
        let values: Vec<f64> = record
            .iter()
            .map(|field| parse_number(field, line))
            .collect::<Result<_, _>>()?;
        let [loss_pct, udp_pct, tcp_pct, retransmitted] = values[..] else {
            return Err(format!("a linha {line} não tem 4 colunas"));
        };
        rows.push(Delivery {
            loss_pct,
            udp_pct,
            tcp_pct,
            retransmitted,
        });
    }
    Ok(rows)
}

/// A figura do experimento 1: o que chegou pelo UDP e pelo TCP, e as
/// retransmissões do TCP, contra o descarte.
pub fn delivery(title: &str, rows: &[Delivery]) -> Figure {
    let series = |name: &str, color, f: &dyn Fn(&Delivery) -> f64| Series {
        name: name.into(),
        points: rows.iter().map(|r| (r.loss_pct, f(r))).collect(),
        style: Style::Points,
        color,
    };
    Figure {
        title: title.to_string(),
        x_label: "pacotes descartados pelo nftables (%)".into(),
        panels: vec![
            Panel {
                title: "O que chegou ao programa".into(),
                y_label: "% do que foi enviado".into(),
                series: vec![
                    series("TCP: bytes do eco, conferidos", 2, &|r| r.tcp_pct),
                    series("UDP: pings respondidos", 1, &|r| r.udp_pct),
                ],
            },
            Panel {
                title: "O que o TCP mandou de novo, sem o programa saber".into(),
                y_label: "segmentos retransmitidos".into(),
                series: vec![series("TCP", 2, &|r| r.retransmitted)],
            },
        ],
    }
}

/// Uma medida da vazão contra a perda: o algoritmo, a perda (%) e a vazão.
#[derive(Debug, Clone, PartialEq)]
pub struct LossPoint {
    /// O algoritmo de controle de congestionamento (`reno`, `bbr`...).
    pub algorithm: String,
    /// A taxa de descarte, em %.
    pub loss_pct: f64,
    /// A vazão medida pelo bench, em MiB/s.
    pub mib_per_s: f64,
}

/// Lê o CSV `controle,perda_pct,mib_por_s` que o laboratório grava.
pub fn read_loss_points(text: &str) -> Result<Vec<LossPoint>, String> {
    let (_, records) = read_csv(text)?;
    let mut points = Vec::new();
    for (line, record) in records {
        let fields: Vec<&str> = record.iter().collect();
        let [algorithm, loss, rate] = fields[..] else {
            return Err(format!("a linha {line} não tem 3 colunas"));
        };
        points.push(LossPoint {
            algorithm: algorithm.to_string(),
            loss_pct: parse_number(loss, line)?,
            mib_per_s: parse_number(rate, line)?,
        });
    }
    Ok(points)
}

/// A figura da vazão contra a perda, uma série por algoritmo.
pub fn throughput(title: &str, points: &[LossPoint]) -> Figure {
    let mut series: Vec<Series> = Vec::new();
    for point in points {
        let name = format!("controle {}", point.algorithm);
        let index = match series.iter().position(|s| s.name == name) {
            Some(index) => index,
            None => {
                series.push(Series {
                    name,
                    points: Vec::new(),
                    style: Style::Points,
                    color: series.len(),
                });
                series.len() - 1
            }
        };
        series[index].points.push((point.loss_pct, point.mib_per_s));
    }
    for s in &mut series {
        s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    Figure {
        title: title.to_string(),
        x_label: "pacotes descartados pelo nftables (%)".into(),
        panels: vec![Panel {
            title: "Vazão da transferência (ida e volta, conferida byte a byte)".into(),
            y_label: "MiB/s".into(),
            series,
        }],
    }
}

/// A figura do controle de fluxo: a janela que o servidor anuncia e os bytes
/// em voo; os bytes escritos pelo programa e os confirmados.
pub fn flow(title: &str, rows: &[Row]) -> Figure {
    let kib = |v: f64| v / 1024.0;
    let mib = |v: f64| v / (1024.0 * 1024.0);
    let series = |name: &str, color, f: &dyn Fn(&Row) -> f64| Series {
        name: name.into(),
        points: rows.iter().map(|r| (r.t_ms, f(r))).collect(),
        style: Style::Step,
        color,
    };
    Figure {
        title: title.to_string(),
        x_label: "tempo desde o começo da transferência (ms)".into(),
        panels: vec![
            Panel {
                title: "A janela anunciada pelo servidor e os bytes em voo".into(),
                y_label: "KiB".into(),
                series: vec![
                    series("janela anunciada", 0, &|r| kib(r.window)),
                    series("em voo (sem confirmação)", 1, &|r| kib(r.in_flight)),
                ],
            },
            Panel {
                title: "O que o programa conseguiu escrever e o que o servidor confirmou".into(),
                y_label: "MiB".into(),
                series: vec![
                    series("aceitos pelo write", 2, &|r| mib(r.written)),
                    series("confirmados (ACK)", 0, &|r| mib(r.bytes)),
                ],
            },
        ],
    }
}

/// Os números de uma execução com perda, para o laboratório mostrar e conferir.
#[derive(Debug, Clone, PartialEq)]
pub struct CongestionSummary {
    /// A maior janela, em segmentos.
    pub cwnd_max: f64,
    /// Quantas vezes a janela caiu 25 % ou mais de uma leitura à seguinte.
    pub drops: usize,
    /// A menor janela depois da primeira queda.
    pub cwnd_min_after_drop: f64,
    /// Segmentos retransmitidos no total.
    pub retrans: f64,
    /// Vazão média, MiB/s.
    pub mib_per_s: f64,
}

/// As quedas da janela: os índices das leituras em que ela caiu 25 % ou mais
/// desde a leitura anterior.
pub fn drops(rows: &[Row]) -> Vec<usize> {
    (1..rows.len())
        .filter(|&i| rows[i].cwnd <= 0.75 * rows[i - 1].cwnd)
        .collect()
}

/// Resume uma execução (veja [`CongestionSummary`]).
pub fn summarize_congestion(rows: &[Row]) -> CongestionSummary {
    let cwnd_max = rows.iter().map(|r| r.cwnd).fold(0.0, f64::max);
    let drops = drops(rows);
    let cwnd_min_after_drop = drops.first().map_or(0.0, |&first| {
        rows[first..]
            .iter()
            .map(|r| r.cwnd)
            .fold(f64::INFINITY, f64::min)
    });
    let last = rows.last().copied();
    let mib_per_s = last.map_or(0.0, |r| {
        if r.t_ms > 0.0 {
            r.bytes / (1024.0 * 1024.0) / (r.t_ms / 1000.0)
        } else {
            0.0
        }
    });
    CongestionSummary {
        cwnd_max,
        drops: drops.len(),
        cwnd_min_after_drop,
        retrans: last.map_or(0.0, |r| r.retrans),
        mib_per_s,
    }
}

/// Os números de uma execução com o leitor parado.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowSummary {
    /// A maior janela anunciada, em bytes.
    pub window_max: f64,
    /// A menor, depois que a transferência começou.
    pub window_min: f64,
    /// Por quanto tempo (ms) a janela ficou em zero, somando as leituras.
    pub zero_window_ms: f64,
    /// Por quanto tempo (ms), somando os trechos, o `write` não aceitou
    /// nenhum byte antes do fim: o programa parado, esperando.
    pub blocked_ms: f64,
}

/// Resume uma execução (veja [`FlowSummary`]).
pub fn summarize_flow(rows: &[Row]) -> FlowSummary {
    let window_max = rows.iter().map(|r| r.window).fold(0.0, f64::max);
    let started: Vec<&Row> = rows.iter().filter(|r| r.written > 0.0).collect();
    let window_min = started
        .iter()
        .map(|r| r.window)
        .fold(f64::INFINITY, f64::min);
    let zero_window_ms = rows
        .windows(2)
        .filter(|pair| pair[0].window == 0.0 && pair[0].written > 0.0)
        .map(|pair| pair[1].t_ms - pair[0].t_ms)
        .fold(0.0, |total, dt| total + dt);
    let total = rows.last().map_or(0.0, |r| r.written);
    let blocked_ms = rows
        .windows(2)
        .filter(|pair| pair[1].written == pair[0].written && pair[0].written < total)
        .map(|pair| pair[1].t_ms - pair[0].t_ms)
        .fold(0.0, |sum, dt| sum + dt);
    FlowSummary {
        window_max,
        window_min: if window_min.is_finite() {
            window_min
        } else {
            0.0
        },
        zero_window_ms,
        blocked_ms,
    }
}

/// Que gráfico desenhar (os nomes são os da linha de comando).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// `ROTULO=ARQUIVO.csv` do `--tcp-info`, um por taxa de perda.
    Congestionamento,
    /// Um `ARQUIVO.csv` do `--tcp-info`, com o leitor parado.
    Fluxo,
    /// Um `ARQUIVO.csv` com `controle,perda_pct,mib_por_s`.
    Vazao,
    /// Um `ARQUIVO.csv` com `descarte_pct,udp_pct,tcp_pct,retransmitidos`.
    Perda,
}

/// Lê as entradas, grava o SVG em `output` e devolve o resumo em texto: uma
/// frase por execução e uma linha `RESUMO chave=valor` para o laboratório.
pub fn run(
    kind: Kind,
    title: &str,
    output: &std::path::Path,
    inputs: &[String],
) -> Result<String, String> {
    let read = |path: &str| {
        std::fs::read_to_string(path).map_err(|e| format!("não foi possível ler {path}: {e}"))
    };
    let labeled = |input: &String| -> Result<(String, Vec<Row>), String> {
        let (label, path) = input.split_once('=').unwrap_or((input, input));
        let rows = read_tcp_info(&read(path)?).map_err(|e| format!("{path}: {e}"))?;
        Ok((label.to_string(), rows))
    };
    let mut summary = String::new();
    let figure = match kind {
        Kind::Congestionamento => {
            let runs = inputs.iter().map(labeled).collect::<Result<Vec<_>, _>>()?;
            for (label, rows) in &runs {
                let s = summarize_congestion(rows);
                summary += &format!(
                    "{label}: cwnd máxima {} segmentos; {} queda(s) de 25 % ou mais entre duas \
                     leituras; menor cwnd depois da primeira queda: {}; {} segmentos \
                     retransmitidos; {} MiB/s\n\
                     RESUMO rotulo={} cwnd_max={} quedas={} cwnd_min={} retrans={} mib_s={:.2}\n",
                    s.cwnd_max,
                    s.drops,
                    s.cwnd_min_after_drop,
                    s.retrans,
                    common::stats::decimal(s.mib_per_s, 1),
                    label.replace(' ', "_"),
                    s.cwnd_max,
                    s.drops,
                    s.cwnd_min_after_drop,
                    s.retrans,
                    s.mib_per_s
                );
            }
            congestion(title, &runs)
        }
        Kind::Fluxo => {
            let [input] = inputs else {
                return Err("o gráfico de fluxo usa um arquivo só".into());
            };
            let (_, rows) = labeled(input)?;
            let s = summarize_flow(&rows);
            summary += &format!(
                "janela anunciada pelo servidor: até {} KiB, mínima {} bytes; em zero por {} ms; \
                 o write ficou parado, sem aceitar nenhum byte, por {} ms no total\n\
                 RESUMO janela_max={} janela_min={} janela_zero_ms={} parado_ms={}\n",
                common::stats::thousands((s.window_max / 1024.0) as u64),
                s.window_min,
                s.zero_window_ms,
                s.blocked_ms,
                s.window_max,
                s.window_min,
                s.zero_window_ms,
                s.blocked_ms
            );
            flow(title, &rows)
        }
        Kind::Vazao => {
            let [input] = inputs else {
                return Err("o gráfico de vazão usa um arquivo só".into());
            };
            let points = read_loss_points(&read(input)?).map_err(|e| format!("{input}: {e}"))?;
            throughput(title, &points)
        }
        Kind::Perda => {
            let [input] = inputs else {
                return Err("o gráfico de perda usa um arquivo só".into());
            };
            let rows = read_deliveries(&read(input)?).map_err(|e| format!("{input}: {e}"))?;
            delivery(title, &rows)
        }
    };
    std::fs::write(output, crate::svg::render(&figure))
        .map_err(|e| format!("não foi possível gravar {}: {e}", output.display()))?;
    summary += &format!("gráfico gravado em {}\n", output.display());
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::tcp_info::{CSV_HEADER, column};

    /// Cada coluna que os gráficos leem existe no cabeçalho que o `common`
    /// grava (o `common` confere que `column::ALL` é o cabeçalho).
    #[test]
    fn colunas_lidas_existem_no_cabecalho() {
        let header: Vec<&str> = CSV_HEADER.split(',').collect();
        for name in column::ALL {
            assert!(header.contains(&name), "{name} não está em {CSV_HEADER}");
        }
        let line = "1,2,,4,5,6,7,8,9,10";
        let rows = read_tcp_info(&format!("{CSV_HEADER}\n{line}\n")).unwrap();
        assert_eq!(
            rows,
            [Row {
                t_ms: 1.0,
                cwnd: 2.0,
                ssthresh: None,
                rtt_us: 4.0,
                retrans: 5.0,
                bytes: 6.0,
                written: 7.0,
                in_flight: 8.0,
                window: 9.0,
                mss: 10.0,
            }]
        );
    }

    #[test]
    fn colunas_em_outra_ordem_sao_achadas_pelo_nome() {
        let mut names: Vec<&str> = CSV_HEADER.split(',').collect();
        names.reverse();
        let text = format!("{}\n10,9,8,7,6,5,4,3,2,1\n", names.join(","));
        let rows = read_tcp_info(&text).unwrap();
        assert_eq!((rows[0].t_ms, rows[0].mss), (1.0, 10.0));
        assert_eq!(rows[0].ssthresh, Some(3.0));
    }

    /// Entrada ruim dá uma frase em português com a linha, nunca um pânico.
    #[test]
    fn csv_ruim_da_erro_em_portugues() {
        let cases = [
            ("", "o arquivo está vazio".to_string()),
            (
                "t_ms,cwnd\n1,2\n",
                "falta a coluna ssthresh no cabeçalho".to_string(),
            ),
            (
                &*format!("{CSV_HEADER}\n1,2,3\n"),
                "a linha 2 tem 3 coluna(s), e o cabeçalho tem 10".to_string(),
            ),
            (
                &*format!("{CSV_HEADER}\n1,2,3,4,5,6,7,8,9,10\n1,x,3,4,5,6,7,8,9,10\n"),
                "a linha 3 tem \"x\", que não é número".to_string(),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(read_tcp_info(text), Err(expected), "entrada: {text:?}");
        }
        assert_eq!(
            read_loss_points("controle,perda_pct,mib_por_s\nreno,1,2,3\n"),
            Err("a linha 2 tem 4 coluna(s), e o cabeçalho tem 3".into())
        );
        assert_eq!(
            read_loss_points("controle,perda_pct,mib_por_s\nreno,um,2\n"),
            Err("a linha 2 tem \"um\", que não é número".into())
        );
        assert_eq!(
            read_deliveries("descarte_pct,udp_pct,tcp_pct,retransmitidos\n1,2,3\n"),
            Err("a linha 2 tem 3 coluna(s), e o cabeçalho tem 4".into())
        );
        assert_eq!(
            read_deliveries("descarte_pct,udp_pct,tcp_pct,retransmitidos\n1,100,99.5,7\n"),
            Ok(vec![Delivery {
                loss_pct: 1.0,
                udp_pct: 100.0,
                tcp_pct: 99.5,
                retransmitted: 7.0
            }])
        );
    }
}
