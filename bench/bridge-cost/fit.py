import csv,statistics as st,sys
rows=list(csv.DictReader(open(sys.argv[1])))
for mode in ['bridge','bridge-nonf','route']:
    pts=[(int(r['hops']),float(r['rtt_p50_us'])) for r in rows if r['mode']==mode and r['rtt_p50_us']]
    if not pts: continue
    n=len(pts); mx=sum(k for k,_ in pts)/n; my=sum(v for _,v in pts)/n
    s=sum((k-mx)*(v-my) for k,v in pts)/sum((k-mx)**2 for k,_ in pts)
    med={}
    for k,v in pts: med.setdefault(k,[]).append(v)
    print(mode, {k:round(st.median(v),2) for k,v in sorted(med.items())}, "slope RTT/hop %.3f us -> one-way per hop %.0f ns (n=%d)"%(s, s/2*1000,n))
