// SPDX-License-Identifier: GPL-2.0
//
// Loaded into a copy of build/journey.html by run_tests.sh, in headless
// chromium: once the page is laid out, check that every section shows
// its prose and, beside it, its code, highlighted (a Mastery section is
// an exercise and has none), and that every link lands on something;
// then write the verdict into the page, where the test reads it back
// from the DOM chromium dumps.
//
//   "journey-layout: ok N sections"
//   "journey-layout: bad TAG what is wrong; TAG ..."
'use strict';

function sectionProblem(s) {
	const prose = s.querySelector('.prose');
	const code = s.querySelector('.code pre');
	const exercise = s.id.startsWith('M-');

	if (!prose || !prose.textContent.trim())
		return 'no prose';
	if (exercise)
		return code ? 'an exercise with code' : null;
	if (!code || !code.textContent.trim())
		return 'no code';
	if (!code.querySelector('span[class]'))
		return 'code not highlighted';
	const p = prose.getBoundingClientRect();
	const c = code.getBoundingClientRect();
	if (c.width < 200 || c.height < 10)
		return `code squeezed to ${Math.round(c.width)}x${Math.round(c.height)}`;
	if (c.left < p.right - 1)
		return 'code below its prose, not beside it';
	if (c.top > p.bottom || c.bottom < p.top)
		return 'code not level with its prose';
	return null;
}

window.addEventListener('load', () => {
	const sections = document.querySelectorAll('.section');
	const bad = [];

	for (const s of sections) {
		const why = sectionProblem(s);
		if (why)
			bad.push(`${s.id} ${why}`);
	}
	for (const a of document.querySelectorAll('a[href^="#"]')) {
		if (!document.getElementById(a.getAttribute('href').slice(1)))
			bad.push(`a link to ${a.getAttribute('href')}, which is nowhere`);
	}
	const out = document.createElement('pre');
	out.id = 'journey-layout';
	out.textContent = bad.length || !sections.length ?
		`journey-layout: bad ${sections.length} sections: ${bad.join('; ')}` :
		`journey-layout: ok ${sections.length} sections`;
	document.body.appendChild(out);
});
