package web

import "html/template"

// guides are the short training notes every programme starts with. The
// advice follows the reverse mentoring literature: a clear purpose, both
// people driving, confidentiality, listening, and feedback across levels.
var guides = map[string]guideData{
	"senior": {Title: "For senior leaders: learning from a junior colleague", Body: template.HTML(`
<p>Reverse mentoring works when the senior person treats it as learning, not as a favour to someone junior. The most common reason programmes fail is that leaders don't make time. These habits prevent that.</p>
<h2>Before the first meeting</h2>
<ul>
<li>Book the first meeting yourself, within a week of the introduction. Your diary is the harder one to get into.</li>
<li>Write down two or three things you want to understand better, and one assumption you hold about younger or less experienced colleagues.</li>
</ul>
<h2>In every meeting</h2>
<ul>
<li>Protect the time. Rescheduling twice tells your mentor the relationship doesn't matter.</li>
<li>Ask more than you tell. You are the learner here; resist the urge to advise.</li>
<li>Expect discomfort. Hearing that something you built frustrates people is the point.</li>
<li>Keep the confidentiality you both agreed. What your mentor tells you about colleagues or managers stays between you.</li>
</ul>
<h2>Between meetings</h2>
<ul>
<li>Try one thing you learned, then tell your mentor how it went. Applying it is what makes the programme worth their time.</li>
<li>Answer the check-in emails: a YES or NO and a number take ten seconds and keep the programme healthy.</li>
</ul>`)},
	"junior": {Title: "For junior mentors: sharing what you know with a leader", Body: template.HTML(`
<p>You were chosen because you see things your senior partner cannot: new tools, how the organisation feels from where you sit, what your generation expects. That is expertise.</p>
<h2>Getting started</h2>
<ul>
<li>In the first meeting, agree what you both want from this, how often you meet and how, and what stays confidential.</li>
<li>Bring something concrete: a tool to try together, a customer experience, a process that gets in people's way.</li>
</ul>
<h2>Speaking up to someone senior</h2>
<ul>
<li>Describe what you see and its effect, not the person: "When meetings start with the slides, people stop asking questions."</li>
<li>It's fine to say you're not sure how something will land. Your partner agreed to hear it.</li>
<li>You don't carry this alone: your partner is expected to book time and follow up too. If meetings keep slipping, say so — or reply PAUSE or REMATCH to a check-in email.</li>
</ul>
<h2>What's in it for you</h2>
<p>You will learn how decisions are made at the top, build a relationship few people have, and practise influence. Notice what you are learning too; the check-ins will ask.</p>`)},
	"listening": {Title: "Active listening in ten minutes", Body: template.HTML(`
<ol>
<li><strong>Give it your whole attention.</strong> Close the laptop, silence the phone. Attention is the first signal of respect.</li>
<li><strong>Let silences run.</strong> Count to five before you answer; the most useful thing is often said after a pause.</li>
<li><strong>Play it back.</strong> "So what you're saying is…" shows you understood and lets the other person correct you.</li>
<li><strong>Ask open questions.</strong> "What happened next?", "What would you change?" — not "Don't you think…?"</li>
<li><strong>Hold back the fix.</strong> Understand first; advice can wait until it is asked for.</li>
<li><strong>Notice your reactions.</strong> If you feel defensive, say "tell me more" instead of explaining.</li>
</ol>`)},
	"feedback": {Title: "Giving and receiving feedback across levels", Body: template.HTML(`
<h2>Giving feedback to someone senior</h2>
<ul>
<li>Ask first: "Can I tell you how that came across?" Permission makes it easier to say and to hear.</li>
<li>Use situation, behaviour, impact: when it happened, what was done, what it led to.</li>
<li>Be specific and brief, then stop and listen.</li>
</ul>
<h2>Receiving feedback from someone junior</h2>
<ul>
<li>Say thank you, and mean it: it took courage.</li>
<li>Ask for an example rather than arguing with the first one.</li>
<li>Don't explain your reasons straight away; take a day, then say what you will try.</li>
<li>Close the loop at the next meeting. Nothing encourages honesty like seeing it used.</li>
</ul>`)},
}
