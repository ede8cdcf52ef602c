package document

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// readHTML reads the article of a web page: the <article> (the longest when
// there are several), else <main>, else the element holding most paragraph
// text that is not links. Menus, headers, footers, sidebars, forms, scripts
// and share, tag, comment and related-news blocks are page furniture. The
// date comes from the page's metadata (article:published_time, pubdate,
// datePublished, a <time datetime>).
func readHTML(b []byte) (*Document, error) {
	root, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("trang web hỏng / damaged HTML: %w", err)
	}
	d := &Document{}
	d.Title, d.Date = htmlMeta(root)
	content := articleOf(root)
	var out strings.Builder
	// The headline first, when the article does not carry it.
	if h := firstOf(content, atom.H1); h == nil {
		if h := firstOf(root, atom.H1); h != nil {
			out.WriteString(cellText(textOf(h)) + "\n\n")
		} else if d.Title != "" {
			out.WriteString(cellText(d.Title) + "\n\n")
		}
	}
	writeBlocks(&out, content)
	d.Text = out.String()
	return d, nil
}

// furnitureTags never hold the article's text.
var furnitureTags = map[atom.Atom]bool{atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Svg: true, atom.Nav: true, atom.Aside: true, atom.Form: true, atom.Button: true,
	atom.Select: true, atom.Footer: true, atom.Head: true, atom.Object: true, atom.Canvas: true}

// furnitureNames are class or id words of page furniture.
var furnitureNames = []string{"menu", "nav", "sidebar", "footer", "breadcrumb", "share", "social", "comment",
	"related", "tags", "tag-list", "keyword", "advert", "ads", "banner", "ticker", "widget", "topbar", "top-bar",
	"cookie", "popup", "newsletter", "tin-lien-quan", "lienquan", "most-read", "doc-nhieu"}

// isFurniture reports an element that is page furniture by its tag or by a
// word of its class or id.
func isFurniture(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if furnitureTags[n.DataAtom] {
		return true
	}
	if n.DataAtom == atom.Header && !insideArticle(n) {
		return true
	}
	for _, a := range n.Attr {
		if a.Key != "class" && a.Key != "id" {
			continue
		}
		for _, w := range strings.FieldsFunc(strings.ToLower(a.Val), func(r rune) bool { return r == ' ' || r == '_' }) {
			for _, f := range furnitureNames {
				if w == f || strings.HasPrefix(w, f+"-") || strings.HasSuffix(w, "-"+f) {
					return true
				}
			}
		}
	}
	return false
}

func insideArticle(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Article {
			return true
		}
	}
	return false
}

// articleOf finds the element that holds the article.
func articleOf(root *html.Node) *html.Node {
	var best *html.Node
	bestLen := 0
	walk(root, func(n *html.Node) bool {
		if n.DataAtom == atom.Article {
			if l := len(textOf(n)); l > bestLen {
				best, bestLen = n, l
			}
			return false
		}
		return !isFurniture(n)
	})
	if best != nil {
		return best
	}
	if m := firstOf(root, atom.Main); m != nil {
		return m
	}
	// Score each element by the paragraph text of its children, less
	// links; half of it goes to the grandparent.
	score := map[*html.Node]int{}
	walk(root, func(n *html.Node) bool {
		if isFurniture(n) {
			return false
		}
		if n.DataAtom == atom.P || n.DataAtom == atom.Table || n.DataAtom == atom.Pre {
			l := len(textOf(n)) - linkTextLen(n)
			if p := n.Parent; p != nil {
				score[p] += l
				if g := p.Parent; g != nil {
					score[g] += l / 2
				}
			}
			return false
		}
		return true
	})
	bestScore := 0
	for n, s := range score {
		if s > bestScore {
			best, bestScore = n, s
		}
	}
	if best == nil {
		if b := firstOf(root, atom.Body); b != nil {
			return b
		}
		return root
	}
	return best
}

// walk visits n and its descendants in document order; visit returns
// whether to go into the node's children.
func walk(n *html.Node, visit func(*html.Node) bool) {
	if !visit(n) {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, visit)
	}
}

func firstOf(n *html.Node, a atom.Atom) *html.Node {
	var found *html.Node
	walk(n, func(c *html.Node) bool {
		if found != nil {
			return false
		}
		if c.DataAtom == a && c.Type == html.ElementNode {
			found = c
			return false
		}
		return !isFurniture(c) || c == n
	})
	return found
}

// textOf is the text of n, furniture left out.
func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) bool {
		if c != n && isFurniture(c) {
			return false
		}
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		return true
	})
	return b.String()
}

func linkTextLen(n *html.Node) int {
	l := 0
	walk(n, func(c *html.Node) bool {
		if c.DataAtom == atom.A {
			l += len(textOf(c))
			return false
		}
		return true
	})
	return l
}

// blockTags end a line of text.
var blockTags = map[atom.Atom]bool{atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Li: true, atom.Section: true, atom.Blockquote: true,
	atom.Pre: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Figure: true,
	atom.Figcaption: true, atom.Header: true, atom.Article: true, atom.Main: true, atom.Body: true, atom.Tr: true}

// paragraphTags are paragraphs of their own: a blank line after them.
var paragraphTags = map[atom.Atom]bool{atom.P: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Blockquote: true, atom.Pre: true}

// writeBlocks writes the text of n: a line per block, a blank line after a
// paragraph, tables as rows of cells.
func writeBlocks(out *strings.Builder, n *html.Node) {
	var line strings.Builder
	flush := func(blank bool) {
		if s := strings.Join(strings.Fields(line.String()), " "); s != "" {
			out.WriteString(s + "\n")
			if blank {
				out.WriteByte('\n')
			}
		}
		line.Reset()
	}
	var rec func(c *html.Node)
	rec = func(c *html.Node) {
		if c != n && isFurniture(c) {
			return
		}
		switch {
		case c.Type == html.TextNode:
			line.WriteString(c.Data)
			return
		case c.DataAtom == atom.Br:
			flush(false)
			return
		case c.DataAtom == atom.Table:
			flush(true)
			t := htmlTable(c)
			t.write(out)
			return
		case c.Type == html.ElementNode && blockTags[c.DataAtom]:
			flush(false)
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			rec(k)
		}
		if c.Type == html.ElementNode && blockTags[c.DataAtom] {
			flush(paragraphTags[c.DataAtom])
		}
	}
	rec(n)
	flush(false)
}

// htmlTable lays out a table's cells on a grid: a cell spanning columns is
// repeated across them, a cell spanning rows repeated down them.
func htmlTable(tn *html.Node) *table {
	t := &table{}
	type pending struct {
		text string
		left int
	}
	down := map[int]*pending{} // column → a cell still spanning rows
	walk(tn, func(n *html.Node) bool {
		if n != tn && n.DataAtom == atom.Table {
			return false // a nested table is read as its own cell text
		}
		if n.DataAtom != atom.Tr {
			return true
		}
		var row []string
		col := 0
		place := func() {
			for {
				p := down[col]
				if p == nil || p.left == 0 {
					return
				}
				row = append(row, p.text)
				p.left--
				col++
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom != atom.Td && c.DataAtom != atom.Th {
				continue
			}
			place()
			text := cellText(textOf(c))
			cs, rs := spanAttr(c, "colspan"), spanAttr(c, "rowspan")
			for range cs {
				if rs > 1 {
					down[col] = &pending{text, rs - 1}
				}
				row = append(row, text)
				col++
			}
		}
		place()
		t.rows = append(t.rows, row)
		return false
	})
	return t
}

func spanAttr(n *html.Node, key string) int {
	for _, a := range n.Attr {
		if a.Key == key {
			if v, err := strconv.Atoi(strings.TrimSpace(a.Val)); err == nil && v > 1 && v < 100 {
				return v
			}
		}
	}
	return 1
}

// htmlMeta reads a page's title and publication date from its metadata.
func htmlMeta(root *html.Node) (string, time.Time) {
	var title, ogTitle string
	var date, timeTag time.Time
	walk(root, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		get := func(k string) string {
			for _, a := range n.Attr {
				if strings.EqualFold(a.Key, k) {
					return a.Val
				}
			}
			return ""
		}
		switch n.DataAtom {
		case atom.Title:
			if title == "" {
				title = textOf(n)
			}
		case atom.Meta:
			key := strings.ToLower(get("property") + get("name") + get("itemprop"))
			switch key {
			case "og:title":
				ogTitle = get("content")
			case "article:published_time", "og:published_time", "pubdate", "publishdate", "date", "dc.date",
				"dc.date.issued", "datepublished", "dcterms.created":
				if date.IsZero() {
					date = parseDate(get("content"))
				}
			}
		case atom.Time:
			if timeTag.IsZero() {
				timeTag = parseDate(get("datetime"))
			}
		}
		return true
	})
	if ogTitle != "" {
		title = ogTitle
	}
	if date.IsZero() {
		date = timeTag
	}
	return strings.TrimSpace(title), date
}
