//! Um escritor de gráficos SVG pequeno, para os gráficos do laboratório.
//!
//! Um SVG é texto: retângulos, linhas e textos com coordenadas. Um crate de
//! gráficos (o plotters) faria o mesmo com muito mais código para compilar;
//! aqui cabe numa página: uma [`Figure`] tem painéis empilhados, que dividem o
//! eixo x; cada [`Panel`] tem o seu eixo y e as suas [`Series`]. A saída só
//! depende da entrada (nenhuma data, nenhum sorteio): o mesmo CSV dá sempre o
//! mesmo arquivo, byte a byte, e um teste confere isso.

use std::fmt::Write;

use common::stats::decimal;

/// Largura da figura, em pixels.
const WIDTH: f64 = 820.0;
/// Altura da área de desenho de cada painel.
const PANEL_HEIGHT: f64 = 220.0;
/// Margens: à esquerda cabem os números do eixo y e o nome dele.
const LEFT: f64 = 78.0;
const RIGHT: f64 = 24.0;
/// Em cima, o título; entre os painéis, o espaço para o título do painel.
const TOP: f64 = 64.0;
const GAP: f64 = 40.0;
/// Embaixo, os números e o nome do eixo x.
const BOTTOM: f64 = 52.0;
/// As cores das séries, em ordem: distinguíveis também por quem não
/// enxerga bem vermelho e verde (a paleta de Okabe e Ito).
const COLORS: [&str; 6] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9",
];

/// Como desenhar uma série.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Uma linha ligando os pontos.
    Line,
    /// Uma linha tracejada (um limite, como o ssthresh).
    Dashed,
    /// Degraus: o valor vale até a próxima leitura (janelas, contadores).
    Step,
    /// Pontos marcados, ligados por uma linha fina (medidas avulsas).
    Points,
}

/// Uma sequência de pontos (x, y) com nome.
#[derive(Debug, Clone)]
pub struct Series {
    /// O nome na legenda.
    pub name: String,
    /// Os pontos, em ordem de x.
    pub points: Vec<(f64, f64)>,
    /// Como desenhar.
    pub style: Style,
    /// Índice em `COLORS` (para a mesma grandeza ter a mesma cor em
    /// painéis diferentes).
    pub color: usize,
}

/// Um painel: um eixo y, com título e séries.
#[derive(Debug, Clone)]
pub struct Panel {
    /// O título, acima do painel.
    pub title: String,
    /// O nome do eixo y, com a unidade: `janela (segmentos)`.
    pub y_label: String,
    /// As séries.
    pub series: Vec<Series>,
}

/// Uma figura: título, o eixo x comum e os painéis, de cima para baixo.
#[derive(Debug, Clone)]
pub struct Figure {
    /// O título, no alto.
    pub title: String,
    /// O nome do eixo x, com a unidade: `tempo (ms)`.
    pub x_label: String,
    /// Os painéis.
    pub panels: Vec<Panel>,
}

/// Marcas "redondas" de um eixo de `low` a `high`: passos de 1, 2 ou 5 vezes
/// uma potência de 10, umas seis marcas. Devolve (fim do eixo, passo).
fn nice_axis(high: f64) -> (f64, f64) {
    if high <= 0.0 || !high.is_finite() {
        return (1.0, 0.2);
    }
    let rough = high / 6.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * power);
    ((high / step).ceil() * step, step)
}

/// Um número de marca do eixo: sem casas se o passo é inteiro, com vírgula
/// decimal se não é, e com espaço nos milhares.
fn tick_label(value: f64, step: f64) -> String {
    if step >= 1.0 {
        common::stats::thousands(value.round() as u64)
    } else {
        let decimals = (-step.log10().floor()) as usize;
        decimal(value, decimals)
    }
}

/// Escapa o texto para dentro do XML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Uma coordenada com uma casa decimal: o suficiente para a tela, e o
/// arquivo fica estável e pequeno.
fn c(value: f64) -> String {
    format!("{value:.1}")
}

/// Desenha a figura e devolve o texto do SVG.
pub fn render(figure: &Figure) -> String {
    let panels = figure.panels.len().max(1) as f64;
    let height = TOP + panels * PANEL_HEIGHT + (panels - 1.0) * GAP + BOTTOM;
    let plot_width = WIDTH - LEFT - RIGHT;
    let all = figure.panels.iter().flat_map(|p| &p.series);
    let x_max = all
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .fold(0.0, f64::max);
    // Um pouco de folga à direita: o último ponto não fica em cima da borda.
    let (x_end, x_step) = nice_axis(x_max * 1.03);
    let x_of = |x: f64| LEFT + x / x_end * plot_width;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="13">"#,
        w = c(WIDTH),
        h = c(height)
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="24" font-size="16" font-weight="bold" text-anchor="middle">{}</text>"#,
        c(WIDTH / 2.0),
        escape(&figure.title)
    );
    for (index, panel) in figure.panels.iter().enumerate() {
        let top = TOP + index as f64 * (PANEL_HEIGHT + GAP);
        let bottom = top + PANEL_HEIGHT;
        let y_max = panel
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .fold(0.0, f64::max);
        let (y_end, y_step) = nice_axis(y_max * 1.05);
        let y_of = |y: f64| bottom - y / y_end * PANEL_HEIGHT;
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}" font-weight="bold">{}</text>"#,
            c(LEFT),
            c(top - 8.0),
            escape(&panel.title)
        );
        // A grade e os números dos dois eixos.
        let mut y = 0.0;
        while y <= y_end + y_step / 2.0 {
            let _ = writeln!(
                svg,
                r##"<line x1="{}" y1="{p}" x2="{}" y2="{p}" stroke="#ddd"/><text x="{}" y="{}" text-anchor="end">{}</text>"##,
                c(LEFT),
                c(LEFT + plot_width),
                c(LEFT - 6.0),
                c(y_of(y) + 4.0),
                tick_label(y, y_step),
                p = c(y_of(y)),
            );
            y += y_step;
        }
        let mut x = 0.0;
        while x <= x_end + x_step / 2.0 {
            let _ = writeln!(
                svg,
                r##"<line x1="{p}" y1="{}" x2="{p}" y2="{}" stroke="#eee"/>"##,
                c(top),
                c(bottom),
                p = c(x_of(x)),
            );
            if index + 1 == figure.panels.len() {
                let _ = writeln!(
                    svg,
                    r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
                    c(x_of(x)),
                    c(bottom + 18.0),
                    tick_label(x, x_step)
                );
            }
            x += x_step;
        }
        let _ = writeln!(
            svg,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="black"/>"#,
            c(LEFT),
            c(top),
            c(plot_width),
            c(PANEL_HEIGHT)
        );
        let _ = writeln!(
            svg,
            r#"<text transform="translate({},{}) rotate(-90)" text-anchor="middle">{}</text>"#,
            c(18.0),
            c(top + PANEL_HEIGHT / 2.0),
            escape(&panel.y_label)
        );
        for series in &panel.series {
            draw_series(&mut svg, series, &x_of, &y_of);
        }
        let points: Vec<(f64, f64)> = panel
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|&(x, y)| (x_of(x), y_of(y))))
            .collect();
        let area = (LEFT, top, LEFT + plot_width, bottom);
        legend(&mut svg, &panel.series, area, &points);
    }
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
        c(LEFT + plot_width / 2.0),
        c(height - 12.0),
        escape(&figure.x_label)
    );
    svg.push_str("</svg>\n");
    svg
}

/// Desenha uma série como um `<path>` (e, no estilo `Points`, um círculo por ponto).
fn draw_series(
    svg: &mut String,
    series: &Series,
    x_of: &impl Fn(f64) -> f64,
    y_of: &impl Fn(f64) -> f64,
) {
    if series.points.is_empty() {
        return;
    }
    let color = COLORS[series.color % COLORS.len()];
    let mut path = String::new();
    for (i, &(x, y)) in series.points.iter().enumerate() {
        let (px, py) = (c(x_of(x)), c(y_of(y)));
        let _ = match (i, series.style) {
            (0, _) => write!(path, "M{px} {py}"),
            // Em degraus: segue na horizontal até o novo x, depois sobe ou desce.
            (_, Style::Step) => write!(path, " H{px} V{py}"),
            _ => write!(path, " L{px} {py}"),
        };
    }
    let (width, dash) = match series.style {
        Style::Dashed => ("1.5", r#" stroke-dasharray="6 4""#),
        Style::Points => ("1", ""),
        _ => ("1.5", ""),
    };
    let _ = writeln!(
        svg,
        r#"<path d="{path}" fill="none" stroke="{color}" stroke-width="{width}"{dash}/>"#
    );
    if series.style == Style::Points {
        for &(x, y) in &series.points {
            let _ = writeln!(
                svg,
                r#"<circle cx="{}" cy="{}" r="4" fill="{color}"/>"#,
                c(x_of(x)),
                c(y_of(y))
            );
        }
    }
}

/// A legenda, num canto do painel: uma linha por série.
fn legend(
    svg: &mut String,
    series: &[Series],
    (area_left, area_top, area_right, area_bottom): (f64, f64, f64, f64),
    points: &[(f64, f64)],
) {
    let longest = series
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0) as f64;
    let width = 40.0 + longest * 7.2;
    let height = 8.0 + series.len() as f64 * 18.0;
    // O canto que cobre menos pontos (em caso de empate, o primeiro:
    // em cima à direita, em cima à esquerda, embaixo à direita, embaixo à
    // esquerda), para a legenda não esconder os dados.
    let corners = [
        (area_right - 8.0 - width, area_top + 8.0),
        (area_left + 8.0, area_top + 8.0),
        (area_right - 8.0 - width, area_bottom - 8.0 - height),
        (area_left + 8.0, area_bottom - 8.0 - height),
    ];
    let covered = |(left, top): (f64, f64)| {
        points
            .iter()
            .filter(|&&(x, y)| {
                x >= left - 6.0
                    && x <= left + width + 6.0
                    && y >= top - 6.0
                    && y <= top + height + 6.0
            })
            .count()
    };
    let (left, top) = corners
        .into_iter()
        .min_by_key(|&corner| covered(corner))
        .unwrap_or(corners[0]);
    let _ = writeln!(
        svg,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="white" fill-opacity="0.85" stroke="#999"/>"##,
        c(left),
        c(top),
        c(width),
        c(height)
    );
    for (i, s) in series.iter().enumerate() {
        let y = top + 16.0 + i as f64 * 18.0;
        let color = COLORS[s.color % COLORS.len()];
        let dash = if s.style == Style::Dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = writeln!(
            svg,
            r#"<line x1="{}" y1="{p}" x2="{}" y2="{p}" stroke="{color}" stroke-width="2"{dash}/><text x="{}" y="{}">{}</text>"#,
            c(left + 6.0),
            c(left + 30.0),
            c(left + 36.0),
            c(y + 4.0),
            escape(&s.name),
            p = c(y),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eixos_redondos() {
        assert_eq!(nice_axis(93.0), (100.0, 20.0));
        assert_eq!(nice_axis(4.2), (5.0, 1.0));
        assert_eq!(nice_axis(0.0), (1.0, 0.2));
        assert_eq!(tick_label(1500.0, 500.0), "1 500");
        assert_eq!(tick_label(0.5, 0.1), "0,5");
    }
}
