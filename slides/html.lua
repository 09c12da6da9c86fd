-- html.lua: pandoc filter for the HTML deck. It does what patat does in the
-- terminal: a code block of class "replay" is followed by its output, one
-- of class "frame" is replaced by it (both run by slides/show.sh over the
-- recorded trace). A paragraph that names a figure (`slides/figures/X.svg`)
-- is followed by the figure itself, which --self-contained embeds.

local function run(text)
  local ok, out = pcall(pandoc.pipe, "sh", {"slides/show.sh"}, text)
  if not ok then
    error("slides/show.sh failed on:\n" .. text .. "\n" .. tostring(out))
  end
  return out
end

function CodeBlock(el)
  if el.classes:includes("replay") then
    return {pandoc.CodeBlock(el.text), pandoc.CodeBlock(run(el.text), {class = "output"})}
  elseif el.classes:includes("frame") then
    return pandoc.CodeBlock(run(el.text), {class = "output"})
  end
end

function Para(el)
  local figures = {}
  for _, inline in ipairs(el.content) do
    if inline.t == "Code" and inline.text:match("^slides/figures/[%w-]+%.svg$") then
      table.insert(figures, pandoc.Para({pandoc.Image({}, inline.text)}))
    end
  end
  if #figures > 0 then
    table.insert(figures, 1, el)
    return figures
  end
end
