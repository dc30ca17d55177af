<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ja_JP">
  <context>
    <name>AboutDialog</name>
    <message>
      <location filename="../../hems_desktop/gui/about_dialog.py" line="52" />
      <source>About HEMS Desktop</source>
      <translation>HEMS Desktop について</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/about_dialog.py" line="58" />
      <source>Your smart meter over the Wi-SUN B-route. MIT License.</source>
      <translation>Wi-SUN Bルートでスマートメーターを計測します。MITライセンス。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/about_dialog.py" line="63" />
      <source>&lt;a href="%1"&gt;Project page and help&lt;/a&gt; · &lt;a href="%1/issues"&gt;Report a problem&lt;/a&gt;</source>
      <translation>&lt;a href="%1"&gt;プロジェクトのページとヘルプ&lt;/a&gt; · &lt;a href="%1/issues"&gt;問題を報告&lt;/a&gt;</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/about_dialog.py" line="73" />
      <source>Uses Qt %1 and PySide6 %2 under the &lt;a href="https://www.gnu.org/licenses/lgpl-3.0.html"&gt;LGPL-3.0&lt;/a&gt;, unmodified, as shared libraries you may replace.</source>
      <translation>Qt %1 と PySide6 %2 を &lt;a href="https://www.gnu.org/licenses/lgpl-3.0.html"&gt;LGPL-3.0&lt;/a&gt; のもとで、改変せず、差し替え可能な共有ライブラリとして使用しています。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/about_dialog.py" line="82" />
      <source>Settings</source>
      <translation>設定</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/about_dialog.py" line="82" />
      <source>Data</source>
      <translation>データ</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/about_dialog.py" line="83" />
      <source>Log</source>
      <translation>ログ</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/about_dialog.py" line="94" />
      <source>Open</source>
      <translation>開く</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/about_dialog.py" line="105" />
      <source>Close</source>
      <translation>閉じる</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/about_dialog.py" line="107" />
      <source>Third-party &amp;notices…</source>
      <translation>サードパーティーの告知(&amp;N)…</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/about_dialog.py" line="120" />
      <source>Third-party notices</source>
      <translation>サードパーティーの告知</translation>
    </message>
  </context>
  <context>
    <name>AppActions</name>
    <message>
      <location filename="../../hems_desktop/gui/actions.py" line="43" />
      <source>&amp;Dashboard</source>
      <translation>ダッシュボード(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/actions.py" line="44" />
      <location filename="../../hems_desktop/gui/actions.py" line="58" />
      <source>S&amp;top</source>
      <translation>停止(&amp;T)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/actions.py" line="44" />
      <location filename="../../hems_desktop/gui/actions.py" line="58" />
      <source>&amp;Start</source>
      <translation>開始(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/actions.py" line="45" />
      <source>&amp;Settings…</source>
      <translation>設定(&amp;S)…</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/actions.py" line="46" />
      <source>Open &amp;data folder</source>
      <translation>データフォルダーを開く(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/actions.py" line="47" />
      <source>Open &amp;log folder</source>
      <translation>ログフォルダーを開く(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/actions.py" line="48" />
      <source>&amp;About HEMS Desktop</source>
      <translation>HEMS Desktop について(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/actions.py" line="49" />
      <source>&amp;Quit</source>
      <translation>終了(&amp;Q)</translation>
    </message>
  </context>
  <context>
    <name>Banner</name>
    <message>
      <location filename="../../hems_desktop/gui/banner.py" line="68" />
      <source>Close this message</source>
      <translation>このメッセージを閉じる</translation>
    </message>
  </context>
  <context>
    <name>ConnectionPanel</name>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="53" />
      <source>Serial port</source>
      <translation>シリアルポート</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="53" />
      <source>Dongle</source>
      <translation>ドングル</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="54" />
      <source>Dialect</source>
      <translation>方式</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="54" />
      <source>Channel</source>
      <translation>チャンネル</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="55" />
      <source>PAN ID</source>
      <translation>PAN ID</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="55" />
      <source>Meter address</source>
      <translation>メーターのアドレス</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="56" />
      <source>Link quality</source>
      <translation>電波品質</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="56" />
      <source>Session age</source>
      <translation>接続時間</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="57" />
      <source>Re-authentication</source>
      <translation>再認証</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="58" />
      <source>Meter maker</source>
      <translation>メーターのメーカー</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="58" />
      <source>Meter serial number</source>
      <translation>メーターの製造番号</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="59" />
      <source>ECHONET Lite release</source>
      <translation>ECHONET Lite のリリース</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="60" />
      <source>B-route identification number</source>
      <translation>Bルート識別番号</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="61" />
      <source>Meter fault status</source>
      <translation>メーターの異常状態</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="61" />
      <source>Last error</source>
      <translation>直近のエラー</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="108" />
      <source>firmware %1</source>
      <translation>ファームウェア %1</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="136" />
      <source>the meter reports a fault</source>
      <translation>メーターが異常を報告しています</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="136" />
      <source>no fault</source>
      <translation>異常なし</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/connection_panel.py" line="162" />
      <source>every %1, next in about %2</source>
      <translation>%1ごと（次回まで約%2）</translation>
    </message>
  </context>
  <context>
    <name>CoreText</name>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="76" />
      <source>serial port {port} not found: is the dongle plugged in? The app keeps trying; you can choose another port in Settings</source>
      <translation>シリアルポート {port} が見つかりません。ドングルは挿さっていますか？ アプリは接続を試み続けます。設定で別のポートを選ぶこともできます</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="79" />
      <source>permission denied on serial port {port}: your user account must be a member of the dialout group (then log out and in again)</source>
      <translation>シリアルポート {port} へのアクセスが拒否されました。ユーザーアカウントを dialout グループに追加してから、ログインし直してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="84" />
      <source>a smart meter is in range (channel {channel:02X}, PAN ID {pan_id:04X}; it could be a neighbour's) but none answered to your B-route ID: check the B-route ID in Settings (the meter pairs with its last 8 characters); if it is right, the power company may not have enabled B-route service yet</source>
      <translation>スマートメーターは圏内にあります（チャンネル {channel:02X}、PAN ID {pan_id:04X}。近所のメーターかもしれません）が、あなたのBルートIDに応答しませんでした。設定でBルートIDを確認してください（メーターは末尾8文字で照合します）。正しければ、電力会社でBルートサービスがまだ開始されていない可能性があります</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="89" />
      <source>Enter the B-route ID and password in Settings, or turn on demo mode</source>
      <translation>設定でBルートIDとパスワードを入力するか、デモモードをオンにしてください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="92" />
      <source>the MQTT URL must not contain a password: put it in the MQTT password field (it is kept in the system keyring)</source>
      <translation>MQTTのURLにパスワードを含めないでください：MQTTのパスワード欄に入力してください（システムのキーリングに保存されます）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="95" />
      <source>the MQTT URL must not have a path or query: the topic prefix has its own field</source>
      <translation>MQTTのURLにパスやクエリーは付けられません：トピックの接頭辞は専用の欄に入力してください</translation>
    </message>
  </context>
  <context>
    <name>Crash</name>
    <message>
      <location filename="../../hems_desktop/gui/crash.py" line="58" />
      <source>(no log file)</source>
      <translation>（ログファイルなし）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/crash.py" line="59" />
      <source>HEMS Desktop: unexpected error</source>
      <translation>HEMS Desktop: 予期しないエラー</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/crash.py" line="60" />
      <source>Something went wrong inside the app. It keeps running, but please report this with the log file:
%1

%2</source>
      <translation>アプリ内部で問題が起きました。アプリは動作を続けますが、ログファイルを添えて報告してください:
%1

%2</translation>
    </message>
  </context>
  <context>
    <name>Dashboard</name>
    <message>
      <location filename="../../hems_desktop/gui/dashboard.py" line="66" />
      <source>HEMS Desktop</source>
      <translation>HEMS Desktop</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/dashboard.py" line="66" />
      <source>HEMS Desktop — demo</source>
      <translation>HEMS Desktop — デモ</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/dashboard.py" line="73" />
      <source>&amp;HEMS Desktop</source>
      <translation>&amp;HEMS Desktop</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/dashboard.py" line="109" />
      <source>&amp;Live power</source>
      <translation>現在の電力(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/dashboard.py" line="109" />
      <source>&amp;Half-hourly usage</source>
      <translation>30分ごとの使用量(&amp;H)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/dashboard.py" line="110" />
      <source>&amp;Insights</source>
      <translation>分析(&amp;I)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/dashboard.py" line="110" />
      <source>&amp;Connection</source>
      <translation>接続(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/dashboard.py" line="177" />
      <source>No reading yet</source>
      <translation>まだ計測値がありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/dashboard.py" line="197" />
      <source>Negative: power is flowing to the grid (sold)</source>
      <translation>マイナス: 電力を系統に送っています（売電）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/dashboard.py" line="183" />
      <source>R %1 A</source>
      <translation>R相 %1 A</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/dashboard.py" line="185" />
      <source>T %1 A</source>
      <translation>T相 %1 A</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/dashboard.py" line="187" />
      <source>Updated %1</source>
      <translation>%1 更新</translation>
    </message>
  </context>
  <context>
    <name>Family</name>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="41" />
      <source>SKSTACK IP single-hop</source>
      <translation>SKSTACK IP シングルホップ</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="42" />
      <source>SKSTACK IP dual-stack</source>
      <translation>SKSTACK IP デュアルスタック</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="43" />
      <source>J11 binary</source>
      <translation>J11 バイナリ</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="52" />
      <source>Detect automatically</source>
      <translation>自動で判別</translation>
    </message>
  </context>
  <context>
    <name>Format</name>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="64" />
      <source>JSON (one object per line)</source>
      <translation>JSON（1行に1件）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="65" />
      <source>YAML (documents separated by ---)</source>
      <translation>YAML（--- で区切り）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="66" />
      <source>CSV (with a header line)</source>
      <translation>CSV（見出し行あり）</translation>
    </message>
  </context>
  <context>
    <name>HemsApp</name>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="245" />
      <source>HEMS Desktop (demo)</source>
      <translation>HEMS Desktop（デモ）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="245" />
      <source>HEMS Desktop</source>
      <translation>HEMS Desktop</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="271" />
      <source>HEMS Desktop is still running</source>
      <translation>HEMS Desktop は動作中です</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="272" />
      <source>It keeps reading the meter in the tray. Quit it from the tray menu.</source>
      <translation>トレイでメーターの計測を続けます。終了はトレイのメニューから行ってください。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="289" />
      <source>Demo mode: the readings come from the built-in virtual meter and are kept apart from yours.</source>
      <translation>デモモード: 計測値は内蔵の仮想メーターのもので、あなたのデータとは別に保存されます。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="290" />
      <location filename="../../hems_desktop/gui/hems_app.py" line="348" />
      <source>Settings…</source>
      <translation>設定…</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="295" />
      <source>No system tray here: this window is the app. Closing it quits HEMS Desktop and ends the meter session; the menu above has everything the tray menu would.</source>
      <translation>システムトレイがありません。このウィンドウがアプリ本体です。閉じるとHEMS Desktopが終了し、メーターとの接続も終わります。トレイのメニューの項目はすべて上のメニューにあります。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="308" />
      <source>Breaker warning</source>
      <translation>ブレーカー注意</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="309" />
      <source>%1 A of your %2 A contract: switch something off before the breaker trips.</source>
      <translation>契約 %2 A のうち %1 A を使用中です。ブレーカーが落ちる前に電気製品を止めてください。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="318" />
      <source>Connection restored</source>
      <translation>接続が回復しました</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="318" />
      <source>Readings from the meter continue.</source>
      <translation>スマートメーターからの計測を再開しました。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="322" />
      <source>Connection lost</source>
      <translation>接続が切れました</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="326" />
      <source>The dongle was unplugged. Plug it in again: the app picks it up by itself.</source>
      <translation>ドングルが外れました。挿し直すと、アプリが自動でつなぎ直します。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="333" />
      <source>Credentials rejected</source>
      <translation>認証情報が拒否されました</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="334" />
      <source>The meter rejected the B-route ID or password. Enter them again in Settings.</source>
      <translation>スマートメーターがBルートIDまたはパスワードを拒否しました。設定で入力し直してください。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="338" />
      <source>The app keeps trying and connects as soon as the dongle is there.</source>
      <translation>アプリは接続を試み続け、ドングルが挿さるとすぐにつなぎます。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="342" />
      <source>HEMS Desktop stopped</source>
      <translation>HEMS Desktop が停止しました</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="379" />
      <source>No file manager opened the folder. It is here: %1</source>
      <translation>フォルダーを開けるファイルマネージャーがありません。場所: %1</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/hems_app.py" line="380" />
      <source>Copy the path</source>
      <translation>パスをコピー</translation>
    </message>
  </context>
  <context>
    <name>InsightsDrawing</name>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="72" />
      <source>hour</source>
      <translation>時</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="82" />
      <source>This period</source>
      <translation>今期</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="102" />
      <source>%1 to %2</source>
      <translation>%1～%2</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="105" />
      <source>previous %1</source>
      <translation>前期 %1</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="107" />
      <source>last year %1</source>
      <translation>前年 %1</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="109" />
      <source>%1 half hours missing</source>
      <translation>欠測 %1 コマ</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="110" />
      <source>CO₂ %1</source>
      <translation>CO₂ %1</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="113" />
      <source>sold %1 (%2), net %3</source>
      <translation>売電 %1(%2)、正味 %3</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="126" />
      <source>¥%1 for %2 kWh (%3 half hours missing)</source>
      <translation>%2 kWhで¥%1(欠測 %3 コマ)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="129" />
      <source>basic ¥%1</source>
      <translation>基本料金 ¥%1</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="132" />
      <source>fuel-cost adjustment ¥%1</source>
      <translation>燃料費調整額 ¥%1</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="133" />
      <source>renewable surcharge ¥%1</source>
      <translation>再エネ賦課金 ¥%1</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="135" />
      <source>¥%1 for %2 kWh</source>
      <translation>%2 kWhで¥%1</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="138" />
      <source>%1 kWh, ¥%2</source>
      <translation>%1 kWh、¥%2</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="149" />
      <source>%1 to %2, kWh per half hour; %3 half hours missing</source>
      <translation>%1～%2、30分ごとのkWh、欠測 %3 コマ</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="165" />
      <source>live readings</source>
      <translation>瞬時値</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="165" />
      <source>the meter's half hours</source>
      <translation>メーターの30分値</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="167" />
      <source>Always on: %1 (last 48 h, from %2); about %3 and %4 a year. Trend: the last 12 weeks.</source>
      <translation>常時使用: %1(直近48時間、%2より)。年間約%3・%4。推移: 直近12週。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_draw.py" line="183" />
      <source>%1 A below %2 A</source>
      <translation>%2 Aまで %1 A</translation>
    </message>
  </context>
  <context>
    <name>InsightsView</name>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="102" />
      <source>Day</source>
      <translation>日</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="102" />
      <source>Week</source>
      <translation>週</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="103" />
      <source>Month</source>
      <translation>月</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="103" />
      <source>Year</source>
      <translation>年</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="113" />
      <location filename="../../hems_desktop/gui/insights_view.py" line="127" />
      <source>Previous period</source>
      <translation>前の期間</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="115" />
      <source>Next period</source>
      <translation>次の期間</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="129" />
      <source>Same period last year</source>
      <translation>前年同期</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="132" />
      <source>Show kWh</source>
      <translation>kWhで表示</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="132" />
      <source>Show ¥</source>
      <translation>円で表示</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="155" />
      <source>Usage</source>
      <translation>使用量</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="160" />
      <source>Billing period</source>
      <translation>料金期間</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="160" />
      <source>Bill so far</source>
      <translation>今期の料金(現在まで)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="161" />
      <source>Breakdown</source>
      <translation>内訳</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="162" />
      <source>Forecast at period end</source>
      <translation>期間末の予測</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="163" />
      <source>Sold</source>
      <translation>売電</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="163" />
      <source>CO₂</source>
      <translation>CO₂</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="168" />
      <source>Bill</source>
      <translation>電気料金</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="174" />
      <source>hour</source>
      <translation>時</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="180" />
      <source>Heatmap</source>
      <translation>ヒートマップ</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="188" />
      <source>week (oldest first)</source>
      <translation>週(古い順)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="191" />
      <source>Base load</source>
      <translation>待機電力</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="196" />
      <source>Highest half hour</source>
      <translation>最大の30分</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="197" />
      <source>Highest reading</source>
      <translation>最大の瞬時電力</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="198" />
      <source>Highest current</source>
      <translation>最大電流</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="199" />
      <source>Contract headroom</source>
      <translation>契約容量までの余裕</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="203" />
      <source>Peaks</source>
      <translation>ピーク</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="209" />
      <source>Export CSV…</source>
      <translation>CSVに書き出し…</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="211" />
      <source>Save chart as PNG…</source>
      <translation>グラフをPNGで保存…</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="229" />
      <location filename="../../hems_desktop/gui/insights_view.py" line="273" />
      <source>No history yet</source>
      <translation>履歴はまだありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="326" />
      <source>Export CSV</source>
      <translation>CSVに書き出し</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/insights_view.py" line="331" />
      <source>Save chart as PNG</source>
      <translation>グラフをPNGで保存</translation>
    </message>
  </context>
  <context>
    <name>LiveChart</name>
    <message>
      <location filename="../../hems_desktop/gui/live_chart.py" line="77" />
      <source>1 h</source>
      <translation>1時間</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/live_chart.py" line="77" />
      <source>24 h</source>
      <translation>24時間</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/live_chart.py" line="77" />
      <source>7 days</source>
      <translation>7日</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/live_chart.py" line="78" />
      <source>30 days</source>
      <translation>30日</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/live_chart.py" line="78" />
      <source>1 year</source>
      <translation>1年</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/live_chart.py" line="107" />
      <source>Show this range (Ctrl+%1)</source>
      <translation>この期間を表示（Ctrl+%1）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/live_chart.py" line="139" />
      <source>Power</source>
      <translation>電力</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/live_chart.py" line="140" />
      <source>Current</source>
      <translation>電流</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/live_chart.py" line="146" />
      <source>the meter's daily average</source>
      <translation>メーターの1日平均</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/live_chart.py" line="147" />
      <source>the meter's 30-minute average</source>
      <translation>メーターの30分平均</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/live_chart.py" line="148" />
      <source>live readings</source>
      <translation>瞬時値</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/live_chart.py" line="149" />
      <source>R phase</source>
      <translation>R相</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/live_chart.py" line="149" />
      <source>T phase</source>
      <translation>T相</translation>
    </message>
  </context>
  <context>
    <name>NetworkOutputsPage</name>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="52" />
      <source>Publish to an &amp;MQTT broker (Home Assistant)</source>
      <translation>MQTTブローカーに送信する（Home Assistant）(&amp;M)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="57" />
      <source>Broker &amp;URL</source>
      <translation>ブローカーのURL(&amp;U)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="60" />
      <source>none; kept in the system keyring</source>
      <translation>なし（システムのキーリングに保存）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="61" />
      <source>MQTT pass&amp;word</source>
      <translation>MQTTのパスワード(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="63" />
      <source>the system's (mqtts:// only)</source>
      <translation>システムの証明書（mqtts:// のみ）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="66" />
      <source>Topic prefi&amp;x</source>
      <translation>トピックの接頭辞(&amp;X)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="67" />
      <source>Announce the sensors to Home Assistant (disco&amp;very)</source>
      <translation>Home Assistantにセンサーを登録する（ディスカバリー）(&amp;V)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="70" />
      <source>Test M&amp;QTT</source>
      <translation>MQTTをテスト(&amp;Q)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="81" />
      <source>Metrics po&amp;rt</source>
      <translation>メトリクスのポート(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="84" />
      <source>Test metr&amp;ics</source>
      <translation>メトリクスをテスト(&amp;I)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="74" />
      <source>Serve Prometheus m&amp;etrics</source>
      <translation>Prometheusのメトリクスを公開する(&amp;E)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="64" />
      <source>CA certificate fi&amp;le</source>
      <translation>CA証明書ファイル(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="83" />
      <source>Listen on a&amp;ddress</source>
      <translation>待ち受けるアドレス(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="150" />
      <source>MQTT needs the broker's URL</source>
      <translation>MQTTにはブローカーのURLが必要です</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="153" />
      <source>A CA certificate is used only with an mqtts:// URL (TLS)</source>
      <translation>CA証明書は mqtts:// のURL（TLS）でのみ使われます</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="155" />
      <source>Give the address to listen on (127.0.0.1: this computer only)</source>
      <translation>待ち受けるアドレスを入力してください（127.0.0.1：このコンピューターのみ）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="188" />
      <source>Testing…</source>
      <translation>テスト中…</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/network_outputs_page.py" line="199" />
      <source>unexpected error: %1</source>
      <translation>予期しないエラー: %1</translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="77" />
      <source>HEMS Desktop settings</source>
      <translation>HEMS Desktop の設定</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="170" />
      <source>Output file</source>
      <translation>出力ファイル</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="198" />
      <source>Invalid schedule: %1</source>
      <translation>スケジュールが正しくありません: %1</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="264" />
      <source>Choose the serial port of the Wi-SUN dongle</source>
      <translation>Wi-SUNドングルのシリアルポートを選んでください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="101" />
      <source>&amp;Save</source>
      <translation>保存(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="102" />
      <source>Cancel</source>
      <translation>キャンセル</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="187" />
      <source>%1 could not be created: %2</source>
      <translation>%1 を作成できませんでした: %2</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="215" />
      <source>The folder %1 does not exist.</source>
      <translation>フォルダー %1 がありません。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="217" />
      <source>%1 is a folder: choose a file in it.</source>
      <translation>%1 はフォルダーです。その中のファイルを選んでください。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="219" />
      <source>%1 cannot be written (no permission).</source>
      <translation>%1 に書き込めません（権限がありません）。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="224" />
      <source>Pub/Sub needs a project and a topic</source>
      <translation>Pub/Sub にはプロジェクトとトピックが必要です</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="227" />
      <source>This installation of HEMS Desktop cannot publish to Pub/Sub (the Google Cloud client is not included).</source>
      <translation>このHEMS DesktopはPub/Subに送信できません（Google Cloudのクライアントが含まれていません）。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="347" />
      <source>Testing…</source>
      <translation>テスト中…</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="359" />
      <source>Opening the dongle…</source>
      <translation>ドングルを開いています…</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="360" />
      <source>Looking for the meter and authenticating (this can take a minute)…</source>
      <translation>メーターを探して認証しています（1分ほどかかることがあります）…</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="361" />
      <source>Reading the meter…</source>
      <translation>メーターを読み取っています…</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="368" />
      <source>It works: %1</source>
      <translation>接続できました: %1</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="373" />
      <source>unexpected error: %1</source>
      <translation>予期しないエラー: %1</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_dialog.py" line="374" />
      <source>It did not work: %1</source>
      <translation>接続できませんでした: %1</translation>
    </message>
  </context>
  <context>
    <name>SettingsFlow</name>
    <message>
      <location filename="../../hems_desktop/gui/settings_flow.py" line="106" />
      <source>Settings not saved</source>
      <translation>設定を保存できませんでした</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_flow.py" line="145" />
      <source>No system keyring</source>
      <translation>キーリングがありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_flow.py" line="146" />
      <source>%1

Keep the password for this run only? It is not written anywhere.</source>
      <translation>%1

パスワードを今回の実行中だけ保持しますか？どこにも書き込まれません。</translation>
    </message>
  </context>
  <context>
    <name>SettingsPages</name>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="118" />
      <source>&amp;Connection</source>
      <translation>接続(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="124" />
      <source>&amp;Refresh</source>
      <translation>再検索(&amp;R)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="129" />
      <source>Serial &amp;port</source>
      <translation>シリアルポート(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="136" />
      <source>&amp;Baud rate</source>
      <translation>ボーレート(&amp;B)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="142" />
      <source>&amp;Dongle type</source>
      <translation>ドングルの種類(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="146" />
      <source>32 letters and digits from your power company</source>
      <translation>電力会社から届いた32文字の英数字</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="147" />
      <source>B-route &amp;ID</source>
      <translation>BルートID(&amp;I)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="151" />
      <source>B-route pass&amp;word</source>
      <translation>Bルートパスワード(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="157" />
      <source>automatic (e.g. 3B)</source>
      <translation>自動（例: 3B）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="158" />
      <source>Meter c&amp;hannel</source>
      <translation>メーターのチャンネル(&amp;H)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="160" />
      <source>automatic (e.g. 8CF5)</source>
      <translation>自動（例: 8CF5）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="161" />
      <source>Meter PAN I&amp;D</source>
      <translation>メーターのPAN ID(&amp;D)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="163" />
      <source>automatic</source>
      <translation>自動</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="164" />
      <source>Meter &amp;address</source>
      <translation>メーターのアドレス(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="168" />
      <source>&amp;Forget cached network</source>
      <translation>記憶したネットワークを消去(&amp;F)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="169" />
      <source>&amp;Test connection</source>
      <translation>接続テスト(&amp;T)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="177" />
      <source>Demo &amp;mode (built-in virtual meter, no hardware)</source>
      <translation>デモモード（内蔵の仮想メーター、機器不要）(&amp;M)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="179" />
      <source>Demo</source>
      <translation>デモ</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="182" />
      <source>The demo keeps its readings in its own history; no other output (file, Pub/Sub, MQTT, metrics) is used while it runs.</source>
      <translation>デモの計測値は専用の履歴に保存されます。実行中はほかの出力（ファイル、Pub/Sub、MQTT、メトリクス）は使われません。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="192" />
      <source>The ID and password are kept in the system keyring, never in a file.</source>
      <translation>IDとパスワードはシステムのキーリングに保存され、ファイルには書き込まれません。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="196" />
      <source>&amp;Outputs</source>
      <translation>出力(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="198" />
      <source>Write readings to a &amp;file</source>
      <translation>計測値をファイルに書き出す(&amp;F)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="205" />
      <source>&amp;Browse…</source>
      <translation>参照(&amp;B)…</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="208" />
      <source>&amp;Create the folder</source>
      <translation>フォルダーを作成(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="210" />
      <source>File</source>
      <translation>ファイル</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="216" />
      <source>F&amp;ormat</source>
      <translation>形式(&amp;O)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="217" />
      <source>Publish to Google Cloud &amp;Pub/Sub</source>
      <translation>Google Cloud Pub/Sub に送信する(&amp;P)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="221" />
      <source>Pro&amp;ject</source>
      <translation>プロジェクト(&amp;J)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="223" />
      <source>&amp;Topic</source>
      <translation>トピック(&amp;T)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="229" />
      <source>&amp;Schedule</source>
      <translation>スケジュール(&amp;S)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="233" />
      <source>On a schedule (cron)</source>
      <translation>スケジュール（cron）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="234" />
      <source>At a fixed interval</source>
      <translation>一定間隔</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="236" />
      <source>&amp;Mode</source>
      <translation>モード(&amp;M)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="238" />
      <source>Schedule (&amp;cron)</source>
      <translation>スケジュール（cron形式）(&amp;C)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="241" />
      <source> s</source>
      <translation> 秒</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="243" />
      <source>&amp;Interval</source>
      <translation>間隔(&amp;I)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="245" />
      <source>Next readings</source>
      <translation>次回の計測</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="249" />
      <source>&amp;Household</source>
      <translation>家庭(&amp;H)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="254" />
      <source>Contract &amp;amperage</source>
      <translation>契約アンペア(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="259" />
      <source>&amp;Warn at (0 = off)</source>
      <translation>警告する値（0 = 無効）(&amp;W)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="262" />
      <source>A notification warns when a phase current reaches this share of the contract amperage.</source>
      <translation>各相の電流が契約アンペアのこの割合に達すると通知で警告します。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="266" />
      <source>T&amp;ariff</source>
      <translation>料金プラン(&amp;A)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="269" />
      <source>Tariff</source>
      <translation>料金プラン</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="272" />
      <source>&amp;General</source>
      <translation>一般(&amp;G)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="277" />
      <source>System language</source>
      <translation>システムの言語</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="279" />
      <source>&amp;Language</source>
      <translation>言語(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="280" />
      <source>Start at &amp;login</source>
      <translation>ログイン時に起動(&amp;L)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="283" />
      <source>Show &amp;notifications</source>
      <translation>通知を表示(&amp;N)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="288" />
      <source>forever</source>
      <translation>無期限</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="289" />
      <source> days</source>
      <translation> 日</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="291" />
      <source>&amp;Keep raw readings</source>
      <translation>計測値の保存期間(&amp;K)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="298" />
      <source>probably %1</source>
      <translation>%1 と思われます</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="325" />
      <source>%1 is not connected; %2 looks like the dongle and is selected.</source>
      <translation>%1 は接続されていません。ドングルと思われる %2 を選びました。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="328" />
      <source>No serial port found: plug the dongle in, then press Refresh.</source>
      <translation>シリアルポートが見つかりません。ドングルを挿してから「再検索」を押してください。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/settings_pages.py" line="330" />
      <source>%1 is not connected: plug the dongle in and press Refresh, or choose its port.</source>
      <translation>%1 は接続されていません。ドングルを挿して「再検索」を押すか、ポートを選んでください。</translation>
    </message>
  </context>
  <context>
    <name>State</name>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="23" />
      <source>Stopped</source>
      <translation>停止中</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="24" />
      <source>Opening the dongle</source>
      <translation>ドングルを開いています</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="25" />
      <source>Configuring the dongle</source>
      <translation>ドングルを設定しています</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="26" />
      <source>Looking for the meter</source>
      <translation>メーターを探しています</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="27" />
      <source>Authenticating</source>
      <translation>認証しています</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="28" />
      <source>Connected</source>
      <translation>接続中</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="29" />
      <source>Re-authenticating</source>
      <translation>再認証しています</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="30" />
      <source>Waiting (radio time limit)</source>
      <translation>待機中（送信時間の制限）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="31" />
      <source>Disconnected</source>
      <translation>切断</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="32" />
      <source>Dongle unplugged</source>
      <translation>ドングルが外れています</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/text.py" line="33" />
      <source>Credentials rejected</source>
      <translation>認証情報が拒否されました</translation>
    </message>
  </context>
  <context>
    <name>TariffEditor</name>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="97" />
      <source>Add row</source>
      <translation>行を追加</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="98" />
      <source>Remove row</source>
      <translation>行を削除</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="130" />
      <source>Choose a preset</source>
      <translation>プリセットを選択</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="132" />
      <source>Start from this preset</source>
      <translation>このプリセットから始める</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="134" />
      <source>Preset</source>
      <translation>プリセット</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="142" />
      <source>Example prices only: check them against your utility's current price list and your bill; enter the month's fuel-cost adjustment and your sell price.</source>
      <translation>単価は例です。電力会社の最新の料金表と検針票で確認し、その月の燃料費調整額と売電単価を入力してください。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="148" />
      <source>Basic charge</source>
      <translation>基本料金</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="154" />
      <source>none</source>
      <translation>なし</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="155" />
      <source>Amperes</source>
      <translation>アンペア</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="155" />
      <source>¥ per month</source>
      <translation>円/月</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="338" />
      <source>%1, row %2</source>
      <translation>%1、%2 行目</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="339" />
      <source>%1: %2</source>
      <translation>%1：%2</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="110" />
      <source>Contract amperage</source>
      <translation>契約アンペア</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="111" />
      <source>Basic charge by amperage</source>
      <translation>アンペア別基本料金</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="112" />
      <source>Fixed monthly or minimum charge (when the table is empty)</source>
      <translation>定額の基本料金・最低料金(表が空のとき)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="163" />
      <source>Energy charge</source>
      <translation>電力量料金</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="165" />
      <source>Up to kWh (empty: no limit)</source>
      <translation>上限kWh(空欄: 上限なし)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="165" />
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="170" />
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="182" />
      <source>¥/kWh</source>
      <translation>円/kWh</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="113" />
      <source>Tiers over the billing period (段階料金)</source>
      <translation>料金期間の段階料金</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="169" />
      <source>Name</source>
      <translation>名前</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="169" />
      <source>From</source>
      <translation>開始</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="169" />
      <source>To</source>
      <translation>終了</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="170" />
      <source>Days (all, weekday, holiday)</source>
      <translation>曜日(all, weekday, holiday)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="171" />
      <source>Months (e.g. 7,8,9)</source>
      <translation>月(例: 7,8,9)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="114" />
      <source>Time-of-use bands (energy outside them takes the tiers)</source>
      <translation>時間帯別料金(対象外の電力量は段階料金)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="177" />
      <source>Surcharge, adjustment, selling</source>
      <translation>賦課金・調整額・売電</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="182" />
      <source>Month (YYYY-MM)</source>
      <translation>月(YYYY-MM)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="115" />
      <source>Renewable surcharge (再エネ賦課金)</source>
      <translation>再エネ賦課金</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="116" />
      <source>Fuel-cost adjustment, other months</source>
      <translation>燃料費調整額(その他の月)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="117" />
      <source>Fuel-cost adjustment by month</source>
      <translation>月別燃料費調整額</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="118" />
      <source>Sell price for exported energy</source>
      <translation>売電単価</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="119" />
      <source>Meter-reading day (billing period start)</source>
      <translation>検針日(料金期間の開始日)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="120" />
      <source>Extra holidays (MM-DD)</source>
      <translation>追加の休日(MM-DD)</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="121" />
      <source>CO₂ emission factor</source>
      <translation>CO₂排出係数</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="296" />
      <source>Flat rate</source>
      <translation>単一料金</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/tariff_editor.py" line="300" />
      <source>%1 — source: %2 (prices of %3)</source>
      <translation>%1 — 出典: %2(%3 時点の単価)</translation>
    </message>
  </context>
  <context>
    <name>Tray</name>
    <message>
      <location filename="../../hems_desktop/gui/tray.py" line="24" />
      <source>HEMS Desktop</source>
      <translation>HEMS Desktop</translation>
    </message>
  </context>
  <context>
    <name>UsagePanel</name>
    <message>
      <location filename="../../hems_desktop/gui/usage_panel.py" line="70" />
      <source>Day</source>
      <translation>日</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/usage_panel.py" line="91" />
      <source>kWh per half hour</source>
      <translation>30分ごとのkWh</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/usage_panel.py" line="92" />
      <source>hour</source>
      <translation>時</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/usage_panel.py" line="136" />
      <source>%1 kWh, ¥%2 (from %3)</source>
      <translation>%1 kWh、¥%2（%3 から）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/usage_panel.py" line="139" />
      <source>%1 kWh, ¥%2</source>
      <translation>%1 kWh、¥%2</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/usage_panel.py" line="146" />
      <source>today %1 kWh, this period %2 kWh</source>
      <translation>今日 %1 kWh、今期 %2 kWh</translation>
    </message>
  </context>
  <context>
    <name>UsageSummary</name>
    <message>
      <location filename="../../hems_desktop/gui/usage_panel.py" line="37" />
      <source>Today so far</source>
      <translation>今日（現在まで）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/usage_panel.py" line="37" />
      <source>This billing period</source>
      <translation>今期の料金期間</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/usage_panel.py" line="38" />
      <source>Forecast at period end</source>
      <translation>期間末の予測</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/usage_panel.py" line="38" />
      <source>Sold</source>
      <translation>売電</translation>
    </message>
  </context>
  <context>
    <name>core</name>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="54" />
      <source>A CA certificate needs an mqtts:// URL (TLS).</source>
      <translation>CA証明書を使うには mqtts:// のURL（TLS）が必要です。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="63" />
      <source>This installation of HEMS Desktop cannot publish to MQTT (the paho-mqtt library is not included).</source>
      <translation>このHEMS DesktopはMQTTに送信できません（paho-mqttライブラリが含まれていません）。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="69" />
      <source>Connected to the MQTT broker {where} as {user}.</source>
      <translation>MQTTブローカー {where} に {user} として接続できました。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="70" />
      <source>anonymous</source>
      <translation>匿名</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="75" />
      <source>The MQTT broker {where} wants a user name: put it in the URL (mqtt://user@host) and the password in the MQTT password field.</source>
      <translation>MQTTブローカー {where} にはユーザー名が必要です。URLに入れ（mqtt://ユーザー名@ホスト）、パスワードはMQTTのパスワード欄に入力してください。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="78" />
      <source>The MQTT broker {where} refused the user name {user} or its password.</source>
      <translation>MQTTブローカー {where} がユーザー名 {user} またはそのパスワードを拒否しました。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="80" />
      <source>The MQTT broker {where} refused the connection ({reason}).</source>
      <translation>MQTTブローカー {where} が接続を拒否しました（{reason}）。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="113" />
      <source>The MQTT broker {where} did not answer within {seconds:g} s (if that port speaks TLS, the URL must start with mqtts://).</source>
      <translation>MQTTブローカー {where} が {seconds:g} 秒以内に応答しませんでした（そのポートがTLSなら、URLは mqtts:// で始めてください）。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="123" />
      <source>The TLS connection to the MQTT broker {where} failed: give the CA certificate that signed the broker's, use the host name its certificate names, and check that the port speaks TLS.</source>
      <translation>MQTTブローカー {where} とのTLS接続に失敗しました。ブローカーの証明書に署名したCA証明書を指定し、証明書にあるホスト名を使い、そのポートがTLSか確認してください。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="127" />
      <source>The MQTT broker's host name {host} cannot be resolved.</source>
      <translation>MQTTブローカーのホスト名 {host} を解決できません。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="129" />
      <source>The MQTT broker {where} is not reachable ({reason}): check the host and the port.</source>
      <translation>MQTTブローカー {where} に接続できません（{reason}）。ホストとポートを確認してください。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="146" />
      <source>{url} answers with this app's metrics: Prometheus can scrape it.</source>
      <translation>{url} はこのアプリのメトリクスを返しています。Prometheusから取得できます。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="147" />
      <source>Another program answers on port {port}: choose another port.</source>
      <translation>ポート {port} では別のプログラムが応答しています。別のポートを選んでください。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="158" />
      <source>Port {port} is free: once saved, Prometheus can scrape {url}.</source>
      <translation>ポート {port} は空いています。保存すると、Prometheusが {url} から取得できます。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="163" />
      <source>Port {port} is already in use by another program: choose another port.</source>
      <translation>ポート {port} は別のプログラムが使用中です。別のポートを選んでください。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="165" />
      <source>{address} is not an address of this computer.</source>
      <translation>{address} はこのコンピューターのアドレスではありません。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="167" />
      <source>Listening on port {port} is not permitted (ports below 1024 need privileges).</source>
      <translation>ポート {port} で待ち受ける権限がありません（1024未満のポートには特権が必要です）。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/app/output_checks.py" line="168" />
      <source>Cannot listen on {address} port {port}: {reason}.</source>
      <translation>{address} のポート {port} で待ち受けられません：{reason}。</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/credentials.py" line="84" />
      <source>no system keyring is available (on Linux install and unlock GNOME Keyring or KWallet)</source>
      <translation>システムのキーリングがありません（LinuxではGNOME KeyringまたはKWalletを入れて、ロックを解除してください）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="17" />
      <source>the disk is full</source>
      <translation>ディスクがいっぱいです</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="18" />
      <source>the disk quota is exceeded</source>
      <translation>ディスクの割り当てを超えました</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="19" />
      <source>permission denied</source>
      <translation>権限がありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="21" />
      <source>the file system is read-only</source>
      <translation>ファイルシステムが読み取り専用です</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="22" />
      <source>the folder does not exist</source>
      <translation>フォルダーがありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="23" />
      <source>a part of the path is not a folder</source>
      <translation>パスの途中がフォルダーではありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="24" />
      <source>a part of the path is a file, not a folder</source>
      <translation>パスの途中にフォルダーではなくファイルがあります</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="25" />
      <source>it is a folder</source>
      <translation>フォルダーです</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="42" />
      <source>serial port {port} not found: is the dongle plugged in? (list ports: hems-collector --list-ports)</source>
      <translation>シリアルポート {port} が見つかりません。ドングルは挿さっていますか？</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="46" />
      <source>permission denied on serial port {port} (on Linux: sudo usermod -aG dialout $USER, then log in again)</source>
      <translation>シリアルポート {port} へのアクセスが拒否されました（Linuxでは dialout グループへの追加が必要です）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="48" />
      <source>permission denied on serial port {port}</source>
      <translation>シリアルポート {port} へのアクセスが拒否されました</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="50" />
      <source>serial port {port} is busy: another program is using the dongle</source>
      <translation>シリアルポート {port} は使用中です。別のプログラムがドングルを使っています</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="52" />
      <source>{port} is not a serial port (it is a file or another kind of device)</source>
      <translation>{port} はシリアルポートではありません（ファイルか別の種類の装置です）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="54" />
      <source>nothing listens at {port}</source>
      <translation>{port} で待ち受けているものがありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="56" />
      <source>cannot open serial port {port}: the baud rate is out of range</source>
      <translation>シリアルポート {port} を開けません。ボーレートが範囲外です</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="57" />
      <source>cannot open serial port {port}: {reason}</source>
      <translation>シリアルポート {port} を開けません: {reason}</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="134" />
      <source>the system keyring is locked: unlock it (log in to your desktop session) and try again</source>
      <translation>システムのキーリングがロックされています。ロックを解除して（デスクトップにログインして）もう一度試してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/describe.py" line="135" />
      <source>the system keyring cannot be used: {reason}</source>
      <translation>システムのキーリングを使えません: {reason}</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/gui/bridge.py" line="44" />
      <source>reading for {slot} missed: {reason}</source>
      <translation>{slot} の計測ができませんでした: {reason}</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="35" />
      <source>tariff {field}: {problem}</source>
      <translation>料金 {field}: {problem}</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="165" />
      <source>{value:g} is outside {low:g}..{high:g}</source>
      <translation>{value:g} は {low:g}〜{high:g} の範囲外です</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="171" />
      <source>must be between 1 and 200 A</source>
      <translation>1〜200 A の範囲で指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="175" />
      <source>{amperes} A is not a contract amperage</source>
      <translation>{amperes} A は契約アンペアではありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="179" />
      <source>{amperes} A has no basic charge in the table</source>
      <translation>{amperes} A の基本料金が表にありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="182" />
      <source>at least one step is needed</source>
      <translation>段階が少なくとも 1 つ必要です</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="189" />
      <source>only the last step can be unbounded</source>
      <translation>上限なしにできるのは最後の段階だけです</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="192" />
      <source>the last step must be unbounded (leave it empty)</source>
      <translation>最後の段階は上限なしにしてください（空欄のまま）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="195" />
      <source>must be more than the step before ({kwh:g} kWh)</source>
      <translation>前の段階（{kwh:g} kWh）より大きくしてください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="200" />
      <source>a band needs a name</source>
      <translation>時間帯には名前が必要です</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="203" />
      <source>must be HH:MM on the half hour (00:00 to 24:00)</source>
      <translation>30 分単位の HH:MM で指定してください（00:00〜24:00）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="206" />
      <source>must be one of {choices}</source>
      <translation>{choices} のいずれかを指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="208" />
      <source>months are 1 to 12</source>
      <translation>月は 1〜12 です</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="213" />
      <source>{month!r} is not a month (YYYY-MM)</source>
      <translation>{month!r} は月（YYYY-MM）ではありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="217" />
      <source>must be a day of the month (1 to 31)</source>
      <translation>日（1〜31）で指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="220" />
      <source>{day!r} is not a day (MM-DD)</source>
      <translation>{day!r} は日付（MM-DD）ではありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="252" />
      <source>must be a number, not {value!r}</source>
      <translation>数値で指定してください（{value!r} は数値ではありません）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="258" />
      <source>a number is needed</source>
      <translation>数値が必要です</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="264" />
      <source>must be an object</source>
      <translation>オブジェクトで指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="270" />
      <source>must be a list</source>
      <translation>リストで指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="277" />
      <source>must be text</source>
      <translation>文字列で指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="287" />
      <source>must be a whole number of amperes, not {value!r}</source>
      <translation>アンペアは整数で指定してください（{value!r} は整数ではありません）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="291" />
      <source>{value!r} is not an amperage</source>
      <translation>{value!r} はアンペア値ではありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="305" />
      <source>months are whole numbers 1 to 12</source>
      <translation>月は 1〜12 の整数で指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/insights/tariff.py" line="317" />
      <source>must be a day of the month, not {value!r}</source>
      <translation>日（1〜31）で指定してください（{value!r} は日ではありません）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/session/discovery.py" line="75" />
      <source>a smart meter is in range (channel {channel:02X}, PAN ID {pan_id:04X}; it could be a neighbour's) but none answered to your B-route ID: check B_ROUTE_ID (the meter pairs with its last 8 characters); if it is right, the power company may not have enabled B-route service yet</source>
      <translation>スマートメーターは圏内にあります（チャンネル {channel:02X}、PAN ID {pan_id:04X}。近所のメーターかもしれません）が、あなたのBルートIDに応答しませんでした。BルートIDを確認してください（メーターは末尾8文字で照合します）。正しければ、電力会社でBルートサービスがまだ開始されていない可能性があります</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/session/discovery.py" line="80" />
      <source>no smart meter answered the scan: move the dongle closer to the meter, check the B-route ID (the meter only answers its own), and make sure the power company has enabled B-route service</source>
      <translation>スキャンに応答したスマートメーターがありません。ドングルをメーターに近づけ、BルートIDを確認し（メーターは自分のIDにだけ応答します）、電力会社でBルートサービスが開始されているか確かめてください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="47" />
      <source>must be a string</source>
      <translation>文字列で指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="65" />
      <source>expected true or false, got {value!r}</source>
      <translation>true か false を指定してください（{value!r} が指定されました）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="71" />
      <source>expected a TCP port from 1 to 65535, got {value!r}</source>
      <translation>TCPポートは 1～65535 で指定してください（{value!r} が指定されました）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="92" />
      <source>expected a positive integer, got {text!r}</source>
      <translation>正の整数を指定してください（{text!r} が指定されました）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="108" />
      <source>baud rate {value} is too high (at most {limit:,}; the dongles use 115200)</source>
      <translation>ボーレート {value} は大きすぎます（最大 {limit:,}。ドングルは 115200 を使います）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="115" />
      <source>invalid {what} {text!r}</source>
      <translation>{what} {text!r} が正しくありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="121" />
      <source>invalid {what} {text!r}: expected {digits} hex digits</source>
      <translation>{what} {text!r} が正しくありません。16進数 {digits} 桁で指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="123" />
      <source>invalid {what} {text!r}: expected a hex number</source>
      <translation>{what} {text!r} が正しくありません。16進数で指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="129" />
      <source>meter channel</source>
      <translation>メーターのチャンネル</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="131" />
      <source>invalid meter channel {text!r}: expected hex {low:X}..{high:X} (as in EPANDESC)</source>
      <translation>メーターのチャンネル {text!r} が正しくありません。16進数 {low:X}～{high:X} で指定してください（EPANDESC の表示と同じ）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="138" />
      <source>meter PAN ID</source>
      <translation>メーターのPAN ID</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="140" />
      <source>invalid meter PAN ID {text!r}: expected 4 hex digits</source>
      <translation>メーターのPAN ID {text!r} が正しくありません。16進数4桁で指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="149" />
      <source>invalid meter IPv6 address {text!r}</source>
      <translation>メーターのIPv6アドレス {text!r} が正しくありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="159" />
      <source>invalid cron expression {text!r}: five fields, minute hour day month weekday (for example '*/5 * * * *' for every 5 minutes)</source>
      <translation>cron 式 {text!r} が正しくありません。分 時 日 月 曜日 の 5 項目で指定してください（例: 5 分ごとなら '*/5 * * * *'）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="164" />
      <source>cron expression {text!r} never matches</source>
      <translation>cron 式 {text!r} に当てはまる日時がありません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="171" />
      <source>invalid choice for the {what}: {text!r} (choose from {choices})</source>
      <translation>{what} に {text!r} は選べません（{choices} から選んでください）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="177" />
      <source>format</source>
      <translation>形式</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="181" />
      <source>mode</source>
      <translation>モード</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="185" />
      <source>dongle</source>
      <translation>ドングル</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="195" />
      <source>invalid choice: {text!r} (choose from {choices})</source>
      <translation>{text!r} は選べません（{choices} から選んでください）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="199" />
      <source>invalid choice: {text!r} (choose from {choices}, or a comma-separated list)</source>
      <translation>{text!r} は選べません（{choices} から選ぶか、カンマ区切りで指定してください）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="234" />
      <source>the B-route ID must be {length} letters and digits: it has other characters (spaces, hyphens or symbols)</source>
      <translation>BルートIDは英数字 {length} 文字です。英数字以外の文字（空白、ハイフン、記号）が含まれています</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="236" />
      <source>the B-route ID must be {length} letters and digits ({given} given)</source>
      <translation>BルートIDは英数字 {length} 文字です（{given} 文字が入力されました）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/parsers.py" line="247" />
      <source>the B-route password must be {length} printable ASCII characters ({given} given)</source>
      <translation>Bルートパスワードは半角の英数字・記号 {length} 文字です（{given} 文字が入力されました）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/preferences.py" line="33" />
      <source>{what} must be a whole number from {low} to {high}</source>
      <translation>{what}は {low}～{high} の整数で指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/preferences.py" line="40" />
      <source>{what} must be between {low} and {high}</source>
      <translation>{what}は {low}～{high} で指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/preferences.py" line="49" />
      <source>{what} must be a number from {low:g} to {high:g}</source>
      <translation>{what}は {low:g}～{high:g} の数値で指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/preferences.py" line="56" />
      <source>{what} must be between {low:g} and {high:g}</source>
      <translation>{what}は {low:g}～{high:g} で指定してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/preferences.py" line="63" />
      <source>language</source>
      <translation>言語</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/preferences.py" line="68" />
      <source>contract amperage (A)</source>
      <translation>契約アンペア（A）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/preferences.py" line="69" />
      <source>the current alert threshold (%)</source>
      <translation>電流の警告値（%）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/preferences.py" line="70" />
      <source>the energy price (yen/kWh)</source>
      <translation>電力量料金（円/kWh）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/settings/preferences.py" line="71" />
      <source>the basic charge (yen/month)</source>
      <translation>基本料金（円/月）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/file.py" line="57" />
      <source>no file can be created in that folder</source>
      <translation>そのフォルダーにはファイルを作れません</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/file.py" line="64" />
      <source>cannot open {path}: {reason}</source>
      <translation>{path} を開けません: {reason}</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/file.py" line="79" />
      <source>{path} exists but does not start with the CSV header; choose another file for csv output</source>
      <translation>{path} はすでにあり、CSVの見出し行で始まっていません。CSV出力には別のファイルを選んでください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/file.py" line="85" />
      <source>cannot read {path}: {reason}</source>
      <translation>{path} を読めません: {reason}</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/file.py" line="90" />
      <source>{path}: output is closed</source>
      <translation>{path}: 出力は閉じられています</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/file.py" line="107" />
      <source>cannot write to {path}: {reason}</source>
      <translation>{path} に書き込めません: {reason}</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/mqtt.py" line="136" />
      <source>Home Assistant discovery prefix</source>
      <translation>Home Assistantのディスカバリー接頭辞</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/mqtt_broker.py" line="74" />
      <source>the MQTT URL is empty: use mqtt://host[:port] or mqtts://host[:port]</source>
      <translation>MQTTのURLが空です：mqtt://ホスト[:ポート] または mqtts://ホスト[:ポート] の形で入力してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/mqtt_broker.py" line="76" />
      <source>the MQTT URL must start with mqtt:// or mqtts:// (for example mqtt://192.168.1.10:1883)</source>
      <translation>MQTTのURLは mqtt:// または mqtts:// で始めてください（例：mqtt://192.168.1.10:1883）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/mqtt_broker.py" line="84" />
      <source>the MQTT URL must start with mqtt:// or mqtts://, not {scheme}://</source>
      <translation>MQTTのURLは {scheme}:// ではなく mqtt:// または mqtts:// で始めてください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/mqtt_broker.py" line="86" />
      <source>the MQTT URL must not contain a password: put it in the MQTT_PASSWORD environment variable (the desktop app keeps it in the keyring)</source>
      <translation>MQTTのURLにパスワードを含めないでください：環境変数 MQTT_PASSWORD に設定してください（デスクトップアプリではキーリングに保存されます）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/mqtt_broker.py" line="90" />
      <source>the MQTT URL has no host name: use mqtt://host[:port]</source>
      <translation>MQTTのURLにホスト名がありません：mqtt://ホスト[:ポート] の形で入力してください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/mqtt_broker.py" line="92" />
      <source>the MQTT URL must not have a path or query: the topic prefix is set apart (--mqtt-prefix)</source>
      <translation>MQTTのURLにパスやクエリーは付けられません：トピックの接頭辞は別に設定します（--mqtt-prefix）</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/mqtt_broker.py" line="95" />
      <source>the MQTT URL has an invalid port: use a number from 1 to 65535</source>
      <translation>MQTTのURLのポートが正しくありません：1〜65535の数を使ってください</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/mqtt_broker.py" line="100" />
      <source>MQTT topic prefix</source>
      <translation>MQTTのトピック接頭辞</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/mqtt_broker.py" line="104" />
      <source>the {what} is empty</source>
      <translation>{what}が空です</translation>
    </message>
    <message>
      <location filename="../../hems_desktop/sinks/mqtt_broker.py" line="106" />
      <source>the {what} {prefix!r} must not contain '+', '#' or empty levels</source>
      <translation>{what} {prefix!r} には「+」「#」や空の階層を含められません</translation>
    </message>
  </context>
</TS>